//! JavaScript's own float conversions, for `json.rs`: both are exact (correctly rounded reading,
//! shortest round-trip writing), and using them keeps core's float formatting and parsing, about
//! 24 KB gzipped with their tables, out of the page's wasm. A leaf module: `json.rs` uses it, and uses
//! nothing else of the binding.

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// JSON number text as JavaScript's `parseFloat` reads it, correctly rounded.
    #[wasm_bindgen(js_name = parseFloat)]
    pub(crate) fn parse_float(text: &str) -> f64;

    /// `x` as JavaScript's `String(x)` (`Number.prototype.toString`) writes it: the shortest
    /// digits that read back as `x` (the closest such when there are several), as `0.015`,
    /// `1.5e-7` or `123456789012345680000`.
    #[wasm_bindgen(js_name = String)]
    pub(crate) fn number_to_string(x: f64) -> String;
}
