//! Entry point of the office bundle (`--features office`): the phone app plus the coordinator
//! console and the volunteer groups' pages.

fn main() {
    tanfang_app::mount();
}
