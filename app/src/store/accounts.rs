//! Storage of staff accounts as administered on `/admin/comptes`: the list, creation with a
//! one-time form token, changes that apply only to the revision the admin saw, and password
//! changes. Part of [`super::Store`] (a supertrait). Login look-ups stay on [`super::Store`]
//! (`user_by_email`, `user_by_id`).

use super::{NewUser, Role, StoreError, User};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// A staff account with what the admin pages show and need.
#[derive(Clone, Debug)]
pub struct Account {
    /// The account (name, e-mail, role, active, must-change flag).
    pub user: User,
    /// Sites of an agent (`user_sites`), by id; empty for other roles.
    pub site_ids: Vec<i64>,
    /// Revision, increased by every change: a form carries the revision it was drawn from and
    /// applies only while it is still the current one.
    pub revision: i64,
    /// When the password was last set (UTC); `None` for accounts made before this was recorded.
    pub password_changed_at: Option<DateTime<Utc>>,
}

/// An account to create from the admin page.
#[derive(Clone, Debug)]
pub struct NewAccount {
    /// E-mail (stored lower-case), name, password hash, role.
    pub user: NewUser,
    /// Sites of an agent (ignored for other roles).
    pub site_ids: Vec<i64>,
    /// The password is a temporary one, typed by an admin: the user must change it at first login.
    pub must_change_password: bool,
}

/// Result of [`AccountStore::create_account`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CreateAccountOutcome {
    /// Created with this id.
    Created(i64),
    /// The form's one-time token was already used (double submit): nothing created.
    TokenUsed,
}

/// New name, role, sites and state of an account.
#[derive(Clone, Debug)]
pub struct AccountUpdate {
    /// Display name.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Sites (kept for agents only; emptied for other roles).
    pub site_ids: Vec<i64>,
    /// Active (may log in).
    pub active: bool,
}

/// Result of a change to an account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountChangeOutcome {
    /// Applied; the account is now at the next revision.
    Changed,
    /// The account changed since the form was drawn (another admin, a double submit, a stale
    /// page): nothing applied.
    Stale,
    /// Applying it would leave no active admin: nothing applied.
    LastAdmin,
    /// No such account.
    NotFound,
}

/// Staff accounts (see the module documentation).
#[async_trait]
pub trait AccountStore {
    /// Every account, by display name (case-insensitive), then id.
    async fn list_accounts(&self) -> Result<Vec<Account>, StoreError>;

    /// The account with this id.
    async fn account(&self, id: i64) -> Result<Option<Account>, StoreError>;

    /// Creates `account` and its sites in one transaction, consuming the one-time form token
    /// `token_nonce` in it (a nonce already used creates nothing: [`CreateAccountOutcome::TokenUsed`]).
    ///
    /// # Errors
    /// [`StoreError::Conflict`] when the e-mail is already used (nothing created, token not used).
    async fn create_account(&self, account: &NewAccount, token_nonce: &str, now: DateTime<Utc>) -> Result<CreateAccountOutcome, StoreError>;

    /// Sets the name, role, sites and state of account `id` if it is still at `revision`, in one
    /// transaction that is undone if no active admin would remain.
    async fn update_account(&self, id: i64, revision: i64, change: &AccountUpdate) -> Result<AccountChangeOutcome, StoreError>;

    /// Sets the password hash of account `id` (and `password_changed_at = now`), with
    /// `must_change_password` as given. With `revision`, only if the account is still at it (an
    /// admin's reset); without, unconditionally (the user's own change).
    async fn set_password(&self, id: i64, revision: Option<i64>, password_hash: &str, must_change_password: bool, now: DateTime<Utc>) -> Result<AccountChangeOutcome, StoreError>;
}
