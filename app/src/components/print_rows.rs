//! Printing a virtualised list (the registry, the due board). On screen such a list draws only
//! the rows in view; on paper every row must be there. Between the browser's `beforeprint` and
//! `afterprint` events the list draws all its rows, up to [`PRINT_MAX_ROWS`]; a longer list
//! prints the first ones and says how many were left out (the export carries every row).
//!
//! `beforeprint` is dispatched before the print layout, and the DOM updates a signal change
//! causes run as microtasks right after the event's listener returns, so the printout sees the
//! full list (tested by `e2e/coord-registry-print.spec.ts`).

use crate::components::coord_text::ct;
use crate::i18n::use_i18n;
use leptos::prelude::*;

/// Most rows a printed list holds (about 60 A4 pages); longer lists are exported.
pub const PRINT_MAX_ROWS: usize = 2_000;

/// `true` while the page is being printed. The listeners go with the calling component.
pub fn use_printing() -> ReadSignal<bool> {
    let (printing, set_printing) = signal(false);
    let before = window_event_listener_untyped("beforeprint", move |_| set_printing.set(true));
    let after = window_event_listener_untyped("afterprint", move |_| set_printing.set(false));
    on_cleanup(move || {
        before.remove();
        after.remove();
    });
    printing
}

/// How many of `len` rows a printout holds.
pub fn printed_rows(len: usize) -> usize {
    len.min(PRINT_MAX_ROWS)
}

/// On paper only, when the list is longer than a printout holds: how many rows were printed
/// and that the export has them all.
#[component]
pub fn PrintCut(len: Signal<usize>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Show when=move || { len.get() > PRINT_MAX_ROWS }>
            <p class="print-only print-cut" data-testid="print-cut">
                {move || {
                    format!(
                        "{} {} / {}{}",
                        ct(i18n, "print.cut"),
                        PRINT_MAX_ROWS,
                        len.get(),
                        ct(i18n, "print.cut_export"),
                    )
                }}
            </p>
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_printout_holds_every_row_up_to_the_maximum() {
        assert_eq!(printed_rows(0), 0);
        assert_eq!(printed_rows(250), 250);
        assert_eq!(printed_rows(PRINT_MAX_ROWS), PRINT_MAX_ROWS);
        assert_eq!(printed_rows(20_000), PRINT_MAX_ROWS);
    }
}
