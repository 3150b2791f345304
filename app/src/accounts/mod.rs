//! Staff accounts (issue 5): the admins' pages `/admin/comptes` (list, creation) and
//! `/admin/comptes/{id}` (name, role, sites; disable / re-enable; password reset), and every
//! staff member's `/admin/mot-de-passe`. Plain HTML forms posting to [`http`] (they work without
//! JavaScript); the rules are in [`crate::domain::account`], storage in
//! [`crate::store::AccountStore`]. Every change is written to the audit log
//! (`AuditAction::AccountChanged`, never a password).

pub mod page;
pub mod password;

#[cfg(feature = "ssr")]
pub mod http;

/// Purpose of the account-creation form's one-time token.
pub const TOKEN_PURPOSE: &str = "admin:account";
