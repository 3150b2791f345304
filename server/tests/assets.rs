//! Static files (issue 7, page weight): names carrying their content's hash are cached for a
//! year as immutable, other asset names are revalidated, the favicon is kept a week, pages and
//! errors are never made cacheable, and text files are compressed.

mod common;
use common::*;

const CSS: &str = "/pkg/avis.Xk3_9sdfLq-2Hc8sdf0aQw.css";
const WASM: &str = "/pkg/avis.ZZZ0123456789abcdefgh.wasm";
const FONT: &str = "/fonts/Marianne-Regular.812177facf2d71a8.woff2";

/// Writes `bytes` at `path` (a URL path) under the site folder.
fn put(app: &TestApp, path: &str, bytes: &[u8]) {
    let file = app.site_root().join(path.trim_start_matches('/'));
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(file, bytes).unwrap();
}

/// GET `path` with a browser's `Accept-Encoding`: (status, Cache-Control, Content-Encoding).
async fn fetch(app: &TestApp, path: &str) -> (u16, Option<String>, Option<String>) {
    let r = app.client.get(format!("{}{path}", app.base)).header("accept-encoding", "br, gzip").send().await.unwrap();
    let header = |name: &str| r.headers().get(name).map(|v| v.to_str().unwrap().to_string());
    (r.status().as_u16(), header("cache-control"), header("content-encoding"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hashed_files_are_immutable_for_a_year_and_the_rest_is_revalidated() {
    let app = spawn_app().await;
    let css = "body { font-family: Marianne, arial, sans-serif; color: #161616; }\n".repeat(200);
    put(&app, CSS, css.as_bytes());
    put(&app, "/pkg/avis.css", css.as_bytes());
    put(&app, WASM, &[0, 97, 115, 109, 1, 0, 0, 0]);
    put(&app, FONT, b"wOF2 not really a font");
    put(&app, "/favicon.svg", b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>");

    let (status, cache, encoding) = fetch(&app, CSS).await;
    assert_eq!((status, cache.as_deref()), (200, Some("public, max-age=31536000, immutable")));
    assert_eq!(encoding.as_deref(), Some("br"), "text assets are compressed");
    for path in [WASM, FONT] {
        let (status, cache, _) = fetch(&app, path).await;
        assert_eq!((status, cache.as_deref()), (200, Some("public, max-age=31536000, immutable")), "{path}");
    }
    // An unhashed name (a build without hash-files) may change: revalidated on each use.
    assert_eq!(fetch(&app, "/pkg/avis.css").await.1.as_deref(), Some("no-cache"));
    assert_eq!(fetch(&app, "/favicon.svg").await.1.as_deref(), Some("public, max-age=604800"));

    // A hashed-looking name that does not exist is a 404 nobody may keep.
    let (status, cache, _) = fetch(&app, "/pkg/avis.0123456789abcdef0123.js").await;
    assert_eq!(status, 404);
    assert!(cache.as_deref().is_none_or(|c| !c.contains("immutable")), "{cache:?}");

    // Pages are not static files: never cached for a year, and compressed.
    let (status, cache, encoding) = fetch(&app, "/enquete/evry").await;
    assert_eq!(status, 200);
    assert!(cache.as_deref().is_none_or(|c| !c.contains("max-age=31536000")), "{cache:?}");
    assert_eq!(encoding.as_deref(), Some("br"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revalidated_asset_answers_not_modified_with_its_policy() {
    let app = spawn_app().await;
    put(&app, "/pkg/avis.css", b"body { color: #161616; }");
    let r = app.client.get(format!("{}/pkg/avis.css", app.base)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let modified = r.headers()["last-modified"].to_str().unwrap().to_string();
    let r = app.client.get(format!("{}/pkg/avis.css", app.base)).header("if-modified-since", &modified).send().await.unwrap();
    assert_eq!(r.status(), 304);
    assert_eq!(r.headers()["cache-control"], "no-cache");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn precompressed_copies_are_sent_as_they_are() {
    let app = spawn_app().await;
    let wasm = vec![7u8; 4096];
    put(&app, WASM, &wasm);
    // What `cargo leptos build --release --precompress` writes beside each file (here stand-ins:
    // the server must send the file's bytes untouched, not compress anything again).
    put(&app, &format!("{WASM}.br"), b"brotli bytes");
    put(&app, &format!("{WASM}.gz"), b"gzip bytes");
    let get = |encoding: &'static str| {
        let request = app.client.get(format!("{}{WASM}", app.base)).header("accept-encoding", encoding);
        async move {
            let r = request.send().await.unwrap();
            let encoding = r.headers().get("content-encoding").map(|v| v.to_str().unwrap().to_string());
            let cache = r.headers()["cache-control"].to_str().unwrap().to_string();
            (encoding, cache, r.bytes().await.unwrap().to_vec())
        }
    };
    assert_eq!(get("br, gzip").await, (Some("br".into()), "public, max-age=31536000, immutable".into(), b"brotli bytes".to_vec()));
    assert_eq!(get("gzip").await, (Some("gzip".into()), "public, max-age=31536000, immutable".into(), b"gzip bytes".to_vec()));
    assert_eq!(get("identity").await, (None, "public, max-age=31536000, immutable".into(), wasm));
}
