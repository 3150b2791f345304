//! Generates the i18n module (leptos_i18n) from `locales/*.json`. French is the reference language.
//! The other four translate the public pages only: every key they lack (the staff pages) is taken
//! from French, explicitly (`extend_locale`), so the build prints no warning for them. That every
//! public key is translated is checked by the unit test `i18n_check`.

use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};
use std::error::Error;
use std::path::PathBuf;

/// The languages of the public pages besides French (`locales/<code>.json`).
const TRANSLATIONS: [&str; 4] = ["en", "ar", "es", "pt"];

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=Cargo.toml");
    let out_dir = std::env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?;
    let i18n_mod_directory = PathBuf::from(out_dir).join("i18n");
    // interpolate_display: interpolated messages are also usable as plain strings (titles, attributes).
    let mut cfg = Config::new("fr")?.add_locales(TRANSLATIONS)?;
    for locale in TRANSLATIONS {
        cfg = cfg.extend_locale(locale, "fr")?;
    }
    let cfg = cfg.parse_options(ParseOptions::new().interpolate_display(true));
    let translations_infos = TranslationsInfos::parse(cfg)?;
    translations_infos.emit_diagnostics();
    translations_infos.rerun_if_locales_changed();
    translations_infos.generate_i18n_module(i18n_mod_directory)?;
    Ok(())
}
