//! Entry point of the office bundle (`--features office`): the phone app plus the coordinator
//! console and the volunteer groups' pages.

fn main() {
    // The release build aborts on a panic, which the browser reports only as "unreachable":
    // the hook writes the panic's message and place to the console first. Only here: in the
    // phone bundle its formatting would cost 1 KB of the 410 KB budget (bundle-budget.spec.ts).
    std::panic::set_hook(Box::new(|info| {
        web_sys::console::error_1(&format!("tanfang: {info}").into());
    }));
    tanfang_app::mount();
}
