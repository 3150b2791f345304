//! Static files (`/pkg/…`, `/fonts/…`, `/icons/…`, the favicon): hashed names and cache headers.
//!
//! `cargo leptos build` names the wasm, its JS glue and the stylesheet after their content
//! (`hash-files = true` in the workspace's `[[workspace.metadata.leptos]]`: `/pkg/avis.<md5,
//! base64url>.wasm`) and writes the names to `hash.txt` next to the server binary;
//! `style/build.sh` does the same for the fonts and icons the stylesheet refers to
//! (`/fonts/Marianne-Regular.<sha256, 16 hex>.woff2`). A file whose name carries its content's hash
//! never changes, so it is cached for a year as `immutable` (issue 7: "static assets cacheable for
//! a year under hashed names, so a second visit downloads only the HTML"). Pages themselves are
//! never cached this way.

use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use leptos::config::LeptosOptions;
use std::path::PathBuf;

/// `Cache-Control` of a file named after its content: one year (365 days), never revalidated.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// `Cache-Control` of an unhashed file under an asset folder (a build without `hash-files`, such as
/// `cargo leptos watch` while developing): kept, but revalidated on every use.
pub const REVALIDATE: &str = "no-cache";
/// `Cache-Control` of the favicon, whose name browsers and the shell fix: one week (604,800 s),
/// then revalidated (`Last-Modified`).
pub const FAVICON: &str = "public, max-age=604800";

/// Shortest hash segment taken as a content hash: 16 characters (style/build.sh writes 16 hex
/// digits, cargo-leptos 22 base64url characters).
const MIN_HASH_LEN: usize = 16;

/// Whether the last segment of `path` is `<name>.<hash>.<extension>`, the hash being at least
/// [`MIN_HASH_LEN`] characters of `[A-Za-z0-9_-]`.
pub fn has_hashed_name(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or_default();
    let parts: Vec<&str> = file.split('.').collect();
    parts.len() >= 3
        && !parts[0].is_empty()
        && !parts[parts.len() - 1].is_empty()
        && parts[parts.len() - 2].len() >= MIN_HASH_LEN
        && parts[parts.len() - 2].bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The `Cache-Control` for a successful answer to `path`, or `None` when the path is not a static
/// file (pages, server functions, exports keep their own rules): [`IMMUTABLE`] for hashed names
/// under `/pkg/`, `/fonts/` and `/icons/`, [`REVALIDATE`] for other names there, [`FAVICON`] for
/// `/favicon.svg` and `/favicon.ico`.
pub fn cache_policy(path: &str) -> Option<&'static str> {
    if path == "/favicon.svg" || path == "/favicon.ico" {
        return Some(FAVICON);
    }
    let asset = ["/pkg/", "/fonts/", "/icons/"].iter().any(|dir| path.starts_with(dir));
    if !asset {
        return None;
    }
    Some(if has_hashed_name(path) { IMMUTABLE } else { REVALIDATE })
}

/// Axum middleware: adds [`cache_policy`]'s `Cache-Control` to successful (2xx) and
/// not-modified (304) answers of GET and HEAD requests. Errors (a 404 for a name that does not
/// exist, say) are never made cacheable.
pub async fn cache_headers(req: Request, next: Next) -> Response {
    let policy = if req.method() == axum::http::Method::GET || req.method() == axum::http::Method::HEAD { cache_policy(req.uri().path()) } else { None };
    let mut res = next.run(req).await;
    if let Some(policy) = policy {
        let status = res.status();
        if status.is_success() || status == axum::http::StatusCode::NOT_MODIFIED {
            res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
        }
    }
    res
}

/// Where Leptos reads the hashed names: `options.hash_file` (default `hash.txt`) next to the
/// running executable (`leptos::HydrationScripts` and `leptos_meta::HashedStylesheet` look there).
/// `None` when the executable's path cannot be read.
pub fn hash_file_path(options: &LeptosOptions) -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    Some(exe.parent()?.join(options.hash_file.as_ref()))
}

/// The hashed file names listed in a `hash.txt` (lines `js: <hash>`, `wasm: <hash>`,
/// `css: <hash>`), as they are served under `/pkg/`: `<output_name>.<hash>.<extension>`. Lines
/// that are not of that shape are skipped.
pub fn hashed_names(output_name: &str, hash_txt: &str) -> Vec<String> {
    hash_txt
        .lines()
        .filter_map(|line| line.split_once(':'))
        .map(|(ext, hash)| (ext.trim(), hash.trim()))
        .filter(|(ext, hash)| matches!(*ext, "js" | "wasm" | "css") && !hash.is_empty())
        .map(|(ext, hash)| format!("{output_name}.{hash}.{ext}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_are_recognised() {
        assert!(has_hashed_name("/pkg/avis.Xk3_9sdfLq-2Hc8sdf0aQw.wasm"));
        assert!(has_hashed_name("/fonts/Marianne-Regular.0123456789abcdef.woff2"));
        assert!(has_hashed_name("/icons/system/check-line.0123456789abcdef.svg"));
        // No hash, a short segment, a segment with other characters, a hash with no name.
        assert!(!has_hashed_name("/pkg/avis.wasm"));
        assert!(!has_hashed_name("/fonts/Marianne-Regular.woff2"));
        assert!(!has_hashed_name("/pkg/avis.v2.js"));
        assert!(!has_hashed_name("/pkg/avis.0123456789abcde!.js"));
        assert!(!has_hashed_name("/pkg/.0123456789abcdef.js"));
        assert!(!has_hashed_name("/pkg/avis.0123456789abcdef."));
    }

    #[test]
    fn policies_by_path() {
        assert_eq!(cache_policy("/pkg/avis.Xk3_9sdfLq-2Hc8sdf0aQw.css"), Some(IMMUTABLE));
        assert_eq!(cache_policy("/fonts/Marianne-Bold.0123456789abcdef.woff2"), Some(IMMUTABLE));
        assert_eq!(cache_policy("/pkg/avis.css"), Some(REVALIDATE));
        assert_eq!(cache_policy("/icons/system/check-line.svg"), Some(REVALIDATE));
        assert_eq!(cache_policy("/favicon.svg"), Some(FAVICON));
        assert_eq!(cache_policy("/favicon.ico"), Some(FAVICON));
        // Pages, even with a long dotted segment, and look-alike folders are left alone.
        for page in ["/", "/enquete/evry", "/admin/export/reponses", "/srv/survey/submit", "/pkgs/avis.0123456789abcdef.js", "/enquete/a.0123456789abcdef.b"] {
            assert_eq!(cache_policy(page), None, "{page}");
        }
    }

    #[test]
    fn hash_txt_names() {
        let txt = "js: AbC_d-0123456789abcdef\nwasm: ZZZ0123456789abcdefgh\ncss: q1w2e3r4t5y6u7i8o9p0aa\n\nmanifest: x\ngarbage\n";
        assert_eq!(
            hashed_names("avis", txt),
            vec!["avis.AbC_d-0123456789abcdef.js", "avis.ZZZ0123456789abcdefgh.wasm", "avis.q1w2e3r4t5y6u7i8o9p0aa.css"]
        );
        assert!(hashed_names("avis", "").is_empty());
    }
}
