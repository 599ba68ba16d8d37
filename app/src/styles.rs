//! The app's stylesheets under the names this build gave them.
//!
//! `cargo xtask build-app` names each file of `styles/` after its content (`app-{hash}.css`)
//! and writes the names into `static/index.html` (`window.TANFANG_FILES`), like the bundles', so
//! that browsers keep them (`dist/_headers`: immutable) and ask for them again only when a
//! build changed them. The pages that bring their own stylesheet add it through [`add_once`].

use wasm_bindgen::JsValue;

/// `/styles/{file}` under this build's name for `file` (`"console.css"`), or under its plain
/// name when the page has no such entry.
pub fn href(file: &str) -> String {
    let named = web_sys::window()
        .and_then(|window| js_sys::Reflect::get(&window, &JsValue::from_str("TANFANG_FILES")).ok())
        .filter(JsValue::is_object)
        .and_then(|files| js_sys::Reflect::get(&files, &JsValue::from_str(file)).ok())
        .and_then(|name| name.as_string());
    format!("/styles/{}", named.as_deref().unwrap_or(file))
}

/// Adds `<link rel="stylesheet" id={id}>` for `file` to the page's head, once.
pub fn add_once(id: &str, file: &str) {
    let document = gloo::utils::document();
    if document.get_element_by_id(id).is_some() {
        return;
    }
    if let (Ok(link), Some(head)) = (document.create_element("link"), document.head()) {
        let _ = link.set_attribute("id", id);
        let _ = link.set_attribute("rel", "stylesheet");
        let _ = link.set_attribute("href", &href(file));
        let _ = head.append_child(&link);
    }
}
