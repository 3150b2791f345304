//! QR codes drawn on the server as SVG (crate `qrcode`), handed to pages as `data:` images (the
//! Content-Security-Policy allows `data:` images; an `<img>` carries an `alt` text).

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// The QR code of `text` (error correction level M: 15 % of the symbol may be damaged, enough
/// for a poster or a slip; with the 4-module quiet zone the standard asks for) as an SVG
/// document.
///
/// # Errors
/// The text is too long for a QR code (over ~2,300 bytes at level M): never for our links.
pub fn qr_svg(text: &str) -> Result<String, qrcode::types::QrError> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)?;
    Ok(code.render::<svg::Color<'_>>().quiet_zone(true).min_dimensions(240, 240).dark_color(svg::Color("#000")).light_color(svg::Color("#fff")).build())
}

/// `svg` as a `data:image/svg+xml` URL: every byte outside `A–Z a–z 0–9 - . _ ~ / : = ,` is
/// percent-encoded (so quotes, `#`, `<` and `>` never end the attribute or the URL).
pub fn svg_data_uri(svg: &str) -> String {
    let mut out = String::with_capacity(svg.len() * 2 + 24);
    out.push_str("data:image/svg+xml,");
    for b in svg.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/' | b':' | b'=' | b',') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The QR code of `text` as a `data:` image URL ([`qr_svg`], [`svg_data_uri`]).
///
/// # Errors
/// [`crate::error::AppError::Unavailable`] when the text does not fit in a QR code (a link far
/// longer than ours).
pub fn qr_data_uri(text: &str) -> Result<String, crate::error::AppError> {
    let svg = qr_svg(text).map_err(|e| {
        tracing::error!(error = %e, len = text.len(), "QR code not drawn");
        crate::error::AppError::Unavailable
    })?;
    Ok(svg_data_uri(&svg))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_is_a_black_on_white_square_without_style_attributes() {
        let svg = qr_svg("https://avis.essonne.gouv.fr/enquete/evry?code=ABCD-EFGH").unwrap();
        assert!(svg.contains("<svg") && svg.contains("fill=\"#000\"") && svg.contains("fill=\"#fff\""));
        assert!(!svg.contains("style="), "the CSP forbids inline styles");
    }

    #[test]
    fn data_uri_escapes_what_would_break_an_attribute() {
        let uri = svg_data_uri("<svg a=\"#1\"> é</svg>");
        assert_eq!(uri, "data:image/svg+xml,%3Csvg%20a=%22%231%22%3E%20%C3%A9%3C/svg%3E");
    }
}
