#!/usr/bin/env bash
# Builds target/style/site.css (the one stylesheet cargo-leptos serves as /pkg/avis.<hash>.css) from the
# DSFR parts the pages use plus style/app.css, and copies the two Marianne weights (cut down to the
# characters we need) and the icons it uses.
# Render-blocking budget: HTML + CSS <= 60 KB gzipped (see README, "Page weight").
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
dsfr="$here/node_modules/@gouvfr/dsfr/dist"
out="$root/target/style"
[ -d "$dsfr" ] || { echo "DSFR not installed: run 'npm ci' in style/ (make deps does it)" >&2; exit 1; }
mkdir -p "$out/assets/fonts"
parts=(core/core.main.min.css
       component/link/link.main.min.css
       component/button/button.main.min.css
       component/form/form.main.min.css
       component/radio/radio.main.min.css
       component/input/input.main.min.css
       component/select/select.main.min.css
       component/checkbox/checkbox.main.min.css
       component/callout/callout.main.min.css
       component/badge/badge.main.min.css
       component/alert/alert.main.min.css
       component/skiplink/skiplink.main.min.css
       component/logo/logo.main.min.css
       component/header/header.main.min.css
       component/footer/footer.main.min.css)
tmp="$out/site.css.tmp"
: > "$tmp"
for p in "${parts[@]}"; do
  # Drop @font-face rules for weights we never load (Light, Medium, italics, Spectral): only
  # Marianne Regular (400) and Bold (700) are shipped.
  sed -E 's/@font-face\{[^}]*(Light|Medium|Italic|Spectral)[^}]*\}//g' "$dsfr/$p" >> "$tmp"
  printf '\n' >> "$tmp"
done
cat "$here/app.css" >> "$tmp"
mv "$tmp" "$out/site.css"
# Fonts and icons the stylesheet refers to (url(../fonts/…), url(../../icons/…), served from /fonts/
# and /icons/), copied under names that carry their content's hash (first 16 hex digits of
# SHA-256: Marianne-Regular.<hash>.woff2), and the stylesheet rewritten to those names: the server
# caches such names for a year (server/src/assets.rs). The favicon keeps its fixed name.
rm -rf "$out/assets/fonts" "$out/assets/icons"
mkdir -p "$out/assets/fonts"
assets=$(grep -oE '(icons/[a-z]+/[A-Za-z0-9_-]+\.svg|fonts/Marianne-(Regular|Bold)\.woff2?)[)"'"'"']' "$out/site.css" | sed -E 's/.$//' | sort -u)
# The fonts are first cut down to the characters of the languages the site speaks in Latin script
# (French, English, Spanish, Portuguese, and names in other Latin alphabets: Latin-1, Latin
# Extended-A, Romanian's ș ț, punctuation, €), without TrueType hinting: 22 KB instead of 58 KB
# per weight (BENCHMARKS.md, "Page weight"). Other characters (Arabic has its own system fonts)
# fall back to the next font of the stack, character by character; the font's names (copyright,
# licence) are kept. fontTools' `pyftsubset` (pinned in the Makefile's Python tools) does the
# cutting.
subset_unicodes="U+0000-00FF,U+0100-017F,U+0218-021B,U+02C6,U+02DA,U+02DC,U+2000-206F,U+20AC,U+2122,U+2190-2193,U+2212,U+FEFF"
pyftsubset="${PYFTSUBSET:-$root/.venv/bin/pyftsubset}"
[ -x "$pyftsubset" ] || { echo "fontTools not installed: run 'make python-tools' (make deps does it)" >&2; exit 1; }
work="$out/fonts.tmp"
rm -rf "$work"; mkdir -p "$work/fonts"
for asset in $assets; do
  base="${asset%.*}"; ext="${asset##*.}"
  src="$dsfr/$asset"
  case "$asset" in
    fonts/*)
      "$pyftsubset" "$src" --unicodes="$subset_unicodes" --layout-features='*' --name-IDs='*' --no-hinting \
        --flavor="$ext" --output-file="$work/$asset"
      src="$work/$asset";;
  esac
  hash=$(sha256sum "$src" | cut -c1-16)
  mkdir -p "$out/assets/$(dirname "$asset")"
  cp "$src" "$out/assets/$base.$hash.$ext"
  # The closing `)` or quote keeps `Marianne-Regular.woff` from matching inside `….woff2`.
  sed -i -E "s#($base)\.$ext([)\"'])#\\1.$hash.$ext\\2#g" "$out/site.css"
done
rm -rf "$work"
cp "$dsfr/favicon/favicon.svg" "$dsfr/favicon/favicon.ico" "$out/assets/"
echo "style: $(wc -c < "$out/site.css") bytes, $(gzip -9c "$out/site.css" | wc -c) gzipped"
