//! The islands' loader: a small script (`islands.js`) served as a file named after its content,
//! `/pkg/islands.<sha256, 16 hex>.js`, so it is cached for a year like the other hashed assets.
//!
//! It replaces Leptos' `HydrationScripts`, which writes its script inline into every page (1.7 KB
//! before compression) and preloads the wasm on every page, with or without islands. Here a page
//! carries one `<script defer>` tag; the loader downloads the wasm only on a page that has an
//! island (`#[island]`: the survey form and its questions' error messages, the tablets'
//! inactivity dialog, error-summary links) and hydrates the islands once the browser is idle
//! (issue 7: the survey page's HTML small, a second visit downloads only the HTML).

use leptos::config::LeptosOptions;
use leptos::prelude::*;

/// The loader's source (JavaScript, UTF-8).
pub const LOADER_JS: &str = include_str!("islands.js");

/// Address of the loader: `/pkg/islands.<hash>.js`, the hash being the first 16 hex digits of the
/// SHA-256 of [`LOADER_JS`] (the shape `style/build.sh` gives the fonts), computed once.
#[cfg(feature = "ssr")]
pub fn loader_path() -> &'static str {
    use sha2::Digest;
    static PATH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    PATH.get_or_init(|| {
        let digest = hex::encode(sha2::Sha256::digest(LOADER_JS.as_bytes()));
        format!("/pkg/islands.{}.js", &digest[..16])
    })
}

/// Axum handler of [`loader_path`]: the loader as `text/javascript` (the router's compression
/// and cache headers apply as to any hashed asset).
#[cfg(feature = "ssr")]
pub async fn serve_loader() -> impl axum::response::IntoResponse {
    ([(http::header::CONTENT_TYPE, "text/javascript; charset=utf-8")], LOADER_JS)
}

/// Addresses of the wasm bundle's JS glue and `.wasm` file under `/<site_pkg_dir>/`, as
/// cargo-leptos names them: `<output_name>.<hash>.js` / `.wasm` from the `hash.txt` next to the
/// server binary (lines `js: <hash>` and `wasm: <hash>`) when `hash_files` is on, else
/// `<output_name>.js` and `<output_name>.wasm` (`_bg.wasm` when the build did not set
/// `LEPTOS_OUTPUT_NAME`, as in Leptos' `HydrationScripts`). A missing `hash.txt` gives unhashed
/// names (the start-up check in the server reports it). Read once per process.
pub fn bundle_paths(options: &LeptosOptions) -> &'static (String, String) {
    static PATHS: std::sync::OnceLock<(String, String)> = std::sync::OnceLock::new();
    PATHS.get_or_init(|| {
        let hashes = options
            .hash_files
            .then(|| std::env::current_exe().ok()?.parent().map(|dir| dir.join(options.hash_file.as_ref())))
            .flatten()
            .and_then(|path| std::fs::read_to_string(path).ok())
            .unwrap_or_default();
        bundle_names(&options.site_pkg_dir, &options.output_name, &hashes, option_env!("LEPTOS_OUTPUT_NAME").is_some())
    })
}

/// [`bundle_paths`] for a given `hash.txt` content (`""`: unhashed names); `named_build`: the
/// build set `LEPTOS_OUTPUT_NAME` (cargo-leptos does), so the wasm has no `_bg` suffix.
fn bundle_names(pkg_dir: &str, output_name: &str, hash_txt: &str, named_build: bool) -> (String, String) {
    let hash_of = |kind: &str| {
        hash_txt.lines().filter_map(|line| line.split_once(':')).find(|(k, _)| k.trim() == kind).map(|(_, h)| h.trim().to_string()).filter(|h| !h.is_empty())
    };
    let js = match hash_of("js") {
        Some(hash) => format!("/{pkg_dir}/{output_name}.{hash}.js"),
        None => format!("/{pkg_dir}/{output_name}.js"),
    };
    let wasm = match hash_of("wasm") {
        Some(hash) => format!("/{pkg_dir}/{output_name}.{hash}.wasm"),
        None if named_build => format!("/{pkg_dir}/{output_name}.wasm"),
        None => format!("/{pkg_dir}/{output_name}_bg.wasm"),
    };
    (js, wasm)
}

/// The `<script defer>` tag of the loader, for the shell's `<head>`. Also tells Leptos that the
/// page is not hydrated as a whole (as `HydrationScripts islands=true` does), so that resources
/// outside islands are not serialised into the page.
#[component]
pub fn IslandScripts(
    /// The site's options (package folder, output name, whether names are hashed).
    options: LeptosOptions,
) -> impl IntoView {
    if let Some(context) = Owner::current_shared_context() {
        context.set_is_hydrating(false);
    }
    let (js, wasm) = bundle_paths(&options).clone();
    #[cfg(feature = "ssr")]
    let src = loader_path();
    #[cfg(not(feature = "ssr"))]
    let src = "";
    // The request's nonce too, as on every script: the policy allows same-origin files anyway.
    let nonce = leptos::nonce::use_nonce();
    view! { <script defer src=src data-js=js data-wasm=wasm nonce=nonce></script> }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundle_names_follow_hash_txt() {
        let hashes = "js: Ab12_-Cd34Ef56Gh78Ij90\nwasm: Zz98Yy76Xx54Ww32Vv10Uu\ncss: Qq11Rr22Ss33Tt44Uu55Vv\n";
        assert_eq!(
            bundle_names("pkg", "avis", hashes, true),
            ("/pkg/avis.Ab12_-Cd34Ef56Gh78Ij90.js".to_string(), "/pkg/avis.Zz98Yy76Xx54Ww32Vv10Uu.wasm".to_string())
        );
        assert_eq!(bundle_names("pkg", "avis", "", true), ("/pkg/avis.js".to_string(), "/pkg/avis.wasm".to_string()));
        assert_eq!(bundle_names("pkg", "avis", "", false).1, "/pkg/avis_bg.wasm");
        // A line without a hash is taken as no hash.
        assert_eq!(bundle_names("pkg", "avis", "js:\n", true).0, "/pkg/avis.js");
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn the_loader_is_named_after_its_content() {
        let path = loader_path();
        let hash = path.strip_prefix("/pkg/islands.").and_then(|rest| rest.strip_suffix(".js")).expect("shape");
        assert_eq!(hash.len(), 16);
        assert!(hash.bytes().all(|b| b.is_ascii_hexdigit()));
    }
}
