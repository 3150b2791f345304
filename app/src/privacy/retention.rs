//! The retention job: erases the personal data of complaints closed longer ago than
//! `RETENTION_MONTHS` (GDPR art. 5(1)(e), storage limitation). Spawned by the server at start
//! and run every [`RETENTION_INTERVAL`]; it uses the same erasure as a person's request
//! ([`crate::store::PersonalDataStore::erase_personal_data`]), which only touches rows not erased
//! yet, so several servers on one database may run it at once.

use crate::domain::audit::AuditAction;
use crate::domain::personal_data::last_due_closing_day;
use crate::store::{AuditEntry, DynStore, ErasureRequest, StoreError};
use crate::time::{paris_day, paris_day_start};
use chrono::{DateTime, Utc};

/// How often the job runs (after a first run at start-up).
pub const RETENTION_INTERVAL: std::time::Duration = std::time::Duration::from_secs(3600);
/// Complaints erased per transaction (and listed per audit entry).
pub const BATCH: u32 = 25;

/// The instant before which a complaint must have been closed for its data to be erased at
/// `now` with a retention of `months`: the start (Europe/Paris midnight, as UTC) of the day after
/// the last due closing day ([`last_due_closing_day`]). `None` when nothing can be due.
///
/// Example: on 15/03/2026 at 10:00 Paris time with 12 months, complaints closed before
/// 16/03/2025 00:00 Paris time (15/03/2025 23:00 UTC) are erased.
pub fn retention_cutoff(now: DateTime<Utc>, months: u32) -> Option<DateTime<Utc>> {
    last_due_closing_day(paris_day(now), months)?.succ_opt().and_then(paris_day_start)
}

/// Runs the job once at `now` (the clock is injected for tests): erases, batch by batch, every
/// complaint closed before [`retention_cutoff`] and not erased yet, and records one
/// [`AuditAction::Erasure`] entry per batch listing the references (never any erased data).
/// Returns the references erased by this run.
///
/// # Errors
/// [`StoreError`] when the database fails (what was erased before stays erased).
pub async fn run_retention(store: &DynStore, months: u32, now: DateTime<Utc>) -> Result<Vec<String>, StoreError> {
    let Some(cutoff) = retention_cutoff(now, months) else { return Ok(Vec::new()) };
    let mut erased = Vec::new();
    loop {
        let ids = store.complaints_closed_before(cutoff, BATCH).await?;
        if ids.is_empty() {
            break;
        }
        let report = store.erase_personal_data(&ErasureRequest { complaint_ids: ids, ..Default::default() }, now).await?;
        if !report.references.is_empty() {
            let entry = AuditEntry::new(AuditAction::Erasure, now)
                .target(format!("{} réclamation(s)", report.references.len()))
                .details(format!("Durée de conservation échue ({months} mois après la clôture) : {}", report.references.join(", ")));
            store.audit(&entry).await?;
        }
        erased.extend(report.references);
    }
    Ok(erased)
}

/// Runs [`run_retention`] now and then every `every`, forever (spawned by the server). A failure
/// is logged and retried at the next run.
pub async fn run_retention_job(store: DynStore, months: u32, every: std::time::Duration) {
    loop {
        match run_retention(&store, months, Utc::now()).await {
            Ok(refs) if !refs.is_empty() => tracing::info!(count = refs.len(), "retention: personal data of closed complaints erased"),
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "retention: erasure failed"),
        }
        tokio::time::sleep(every).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn cutoff_is_paris_midnight_after_the_last_due_day() {
        // 15/03/2026 10:00 Paris (09:00 UTC), 12 months: closed before 16/03/2025 00:00 Paris.
        let now = Utc.with_ymd_and_hms(2026, 3, 15, 9, 0, 0).unwrap();
        assert_eq!(retention_cutoff(now, 12), Some(Utc.with_ymd_and_hms(2025, 3, 15, 23, 0, 0).unwrap()));
        // 23:30 UTC on 14/03/2026 is already 15/03 in Paris: same cutoff.
        let late = Utc.with_ymd_and_hms(2026, 3, 14, 23, 30, 0).unwrap();
        assert_eq!(retention_cutoff(late, 12), retention_cutoff(now, 12));
        // Summer time: 01/08/2026, 12 months → before 02/08/2025 00:00 Paris = 01/08 22:00 UTC.
        let summer = Utc.with_ymd_and_hms(2026, 8, 1, 12, 0, 0).unwrap();
        assert_eq!(retention_cutoff(summer, 12), Some(Utc.with_ymd_and_hms(2025, 8, 1, 22, 0, 0).unwrap()));
    }
}
