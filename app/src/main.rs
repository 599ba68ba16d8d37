//! Entry point of the wasm module: mount the app on `<body>`.

fn main() {
    tanfang_app::mount();
}
