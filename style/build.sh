#!/usr/bin/env bash
# Builds target/style/site.css (the one stylesheet cargo-leptos serves as /pkg/avis.<hash>.css) from the
# DSFR parts the pages use plus style/app.css, and copies the two Marianne weights and the icons
# it uses.
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
for asset in $assets; do
  base="${asset%.*}"; ext="${asset##*.}"
  hash=$(sha256sum "$dsfr/$asset" | cut -c1-16)
  mkdir -p "$out/assets/$(dirname "$asset")"
  cp "$dsfr/$asset" "$out/assets/$base.$hash.$ext"
  # The closing `)` or quote keeps `Marianne-Regular.woff` from matching inside `….woff2`.
  sed -i -E "s#($base)\.$ext([)\"'])#\\1.$hash.$ext\\2#g" "$out/site.css"
done
cp "$dsfr/favicon/favicon.svg" "$dsfr/favicon/favicon.ico" "$out/assets/"
echo "style: $(wc -c < "$out/site.css") bytes, $(gzip -9c "$out/site.css" | wc -c) gzipped"
