#!/usr/bin/env bash
# Builds target/style/site.css (the one stylesheet cargo-leptos serves as /pkg/avis.css) from the
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
# Icons the bundled CSS refers to (url(../../icons/…)), served from /icons/.
grep -oE 'icons/[a-z]+/[A-Za-z0-9_-]+\.svg' "$out/site.css" | sort -u | while read -r icon; do
  mkdir -p "$out/assets/$(dirname "$icon")"
  cp "$dsfr/$icon" "$out/assets/$icon"
done
cp "$dsfr/favicon/favicon.svg" "$dsfr/favicon/favicon.ico" "$out/assets/"
for f in Marianne-Regular Marianne-Bold; do
  cp "$dsfr/fonts/$f.woff2" "$dsfr/fonts/$f.woff" "$out/assets/fonts/"
done
echo "style: $(wc -c < "$out/site.css") bytes, $(gzip -9c "$out/site.css" | wc -c) gzipped"
