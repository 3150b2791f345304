// The islands' loader (see islands.rs). Loaded with `defer` by every page, so it runs once the page
// is parsed: on a page without `<leptos-island>` it stops at once (no wasm is downloaded); otherwise
// it downloads the wasm bundle (its JS glue and `.wasm`, named in the script's `data-js` and
// `data-wasm`), then, when the browser is idle, hydrates each island in document order.
//
// The traversal follows Leptos 0.8's own island script (leptos/src/hydration/island_script.js):
// an island nested in another island's children (`<leptos-children>`) first runs the callback
// that the outer island left on that element (`$$on_hydrate`), so that it sees the outer island's
// context.
(() => {
  const script = document.currentScript;
  if (!script || !document.querySelector("leptos-island")) return;
  const childrenCallbacks = [];

  async function hydrateIsland(el, mod) {
    const islandFn = mod[el.dataset.component];
    if (!islandFn) {
      console.warn(`No wasm function for the island ${el.dataset.component}.`);
      return;
    }
    const onChildren = childrenCallbacks[childrenCallbacks.length - 1];
    if (onChildren) onChildren();
    await islandFn(el);
  }

  async function traverse(node, mod) {
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    const tag = node.tagName.toLowerCase();
    if (tag === "leptos-island") await hydrateIsland(node, mod);
    if (tag === "leptos-children") childrenCallbacks.push(node.$$on_hydrate);
    for (const child of node.children) await traverse(child, mod);
    if (tag === "leptos-children") childrenCallbacks.pop();
  }

  const warn = (e) => console.warn("The islands could not be loaded; the page works without them.", e);
  const idle = (f) => ("requestIdleCallback" in window ? window.requestIdleCallback(f) : f());
  import(script.dataset.js)
    .then((mod) => mod.default({ module_or_path: script.dataset.wasm }).then(() => mod))
    .then((mod) =>
      idle(() => {
        mod.hydrate();
        traverse(document.body, mod).catch(warn);
      }),
    )
    .catch(warn);
})();
