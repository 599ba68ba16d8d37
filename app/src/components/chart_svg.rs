//! Charts as inline SVG, readable without colour: every bar and point carries its number as
//! text, bars below the target get a hatch pattern, and each chart has a `<title>` and a table
//! fallback for screen readers (`<desc>`). No chart library: a bar per region and one line
//! are a few rectangles and a polyline.

use leptos::prelude::*;

/// One bar: label, value in 0..=1 (a rate), and the text printed at its end.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    pub key: String,
    pub label: String,
    pub value: f64,
    pub text: String,
}

/// Horizontal bars (one per region), with a dashed target line (e.g. 100%).
#[component]
pub fn BarChart(
    bars: Vec<Bar>,
    #[prop(into)] title: String,
    #[prop(default = 1.0)] target: f64,
    #[prop(optional, into)] testid: String,
    /// Called with a bar's key when it is clicked (drill-down).
    #[prop(optional)]
    on_select: Option<Callback<String>>,
) -> impl IntoView {
    let row_height = 34.0;
    let label_width = 150.0;
    let bar_area = 420.0;
    let width = label_width + bar_area + 120.0;
    let height = (bars.len().max(1) as f64) * row_height + 30.0;
    let desc = bars
        .iter()
        .map(|b| format!("{} {}", b.label, b.text))
        .collect::<Vec<_>>()
        .join("; ");
    let target_x = label_width + bar_area * target.clamp(0.0, 1.0);
    let rows = bars
        .into_iter()
        .enumerate()
        .map(|(index, bar)| {
            let y = index as f64 * row_height + 8.0;
            let length = (bar.value.clamp(0.0, 1.0) * bar_area).max(1.0);
            let below = bar.value < target;
            let fill = if below { "url(#hatch-below)" } else { "url(#solid-met)" };
            let key = bar.key.clone();
            let clickable = on_select.is_some();
            let on_click = move |_| {
                if let Some(callback) = on_select {
                    callback.run(key.clone());
                }
            };
            view! {
                <g class=if clickable { "bar clickable" } else { "bar" } on:click=on_click
                    data-testid="chart-bar" data-key=bar.key.clone() data-value=format!("{:.4}", bar.value)>
                    <text x=label_width - 8.0 y=y + 18.0 text-anchor="end" class="chart-label">{bar.label.clone()}</text>
                    <rect x=label_width y=y width=length height=row_height - 10.0 fill=fill stroke="#1a1a1a" stroke-width="1" />
                    <text x=label_width + length + 6.0 y=y + 18.0 class="chart-value">{bar.text.clone()}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <figure class="chart" data-testid=testid>
            <svg viewBox=format!("0 0 {width} {height}") role="img" width="100%" preserveAspectRatio="xMinYMin meet">
                <title>{title.clone()}</title>
                <desc>{desc}</desc>
                <defs>
                    <pattern id="hatch-below" patternUnits="userSpaceOnUse" width="8" height="8" patternTransform="rotate(45)">
                        <rect width="8" height="8" fill="#f6d7a7" />
                        <line x1="0" y1="0" x2="0" y2="8" stroke="#8a4b00" stroke-width="3" />
                    </pattern>
                    <pattern id="solid-met" patternUnits="userSpaceOnUse" width="8" height="8">
                        <rect width="8" height="8" fill="#2f6f3e" />
                    </pattern>
                </defs>
                {rows}
                <line x1=target_x x2=target_x y1="0" y2=height - 20.0 stroke="#1a1a1a" stroke-dasharray="4 3" />
                <text x=target_x y=height - 6.0 text-anchor="middle" class="chart-axis">{format!("{:.0}%", target * 100.0)}</text>
            </svg>
            <figcaption>{title}</figcaption>
        </figure>
    }
}

/// One point of a line chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    pub label: String,
    pub value: f64,
    pub text: String,
}

/// A line over months (values 0..=1), every point labelled with its number.
#[component]
pub fn LineChart(
    points: Vec<Point>,
    #[prop(into)] title: String,
    #[prop(optional, into)] testid: String,
) -> impl IntoView {
    let left = 48.0;
    let step = 58.0;
    let top = 20.0;
    let plot_height = 200.0;
    let width = left + step * (points.len().max(1) as f64) + 20.0;
    let height = top + plot_height + 50.0;
    let x = move |index: usize| left + step * index as f64 + step / 2.0;
    let y = move |value: f64| top + plot_height * (1.0 - value.clamp(0.0, 1.0));
    let polyline = points
        .iter()
        .enumerate()
        .map(|(index, point)| format!("{:.1},{:.1}", x(index), y(point.value)))
        .collect::<Vec<_>>()
        .join(" ");
    let desc = points
        .iter()
        .map(|p| format!("{} {}", p.label, p.text))
        .collect::<Vec<_>>()
        .join("; ");
    let grid = [0.0, 0.5, 1.0]
        .into_iter()
        .map(|value| {
            view! {
                <line x1=left x2=width - 10.0 y1=y(value) y2=y(value) stroke="#999" stroke-dasharray="2 3" />
                <text x=left - 6.0 y=y(value) + 5.0 text-anchor="end" class="chart-axis">{format!("{:.0}%", value * 100.0)}</text>
            }
        })
        .collect_view();
    let marks = points
        .into_iter()
        .enumerate()
        .map(|(index, point)| {
            view! {
                <g data-testid="chart-point" data-label=point.label.clone() data-value=format!("{:.4}", point.value)>
                    <rect x=x(index) - 4.0 y=y(point.value) - 4.0 width="8" height="8" fill="#1a1a1a" />
                    <text x=x(index) y=y(point.value) - 9.0 text-anchor="middle" class="chart-value small">{point.text.clone()}</text>
                    <text x=x(index) y=top + plot_height + 22.0 text-anchor="middle" class="chart-label small">{point.label.clone()}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <figure class="chart" data-testid=testid>
            <svg viewBox=format!("0 0 {width} {height}") role="img" width="100%" preserveAspectRatio="xMinYMin meet">
                <title>{title.clone()}</title>
                <desc>{desc}</desc>
                {grid}
                <polyline points=polyline fill="none" stroke="#1a1a1a" stroke-width="2.5" />
                {marks}
            </svg>
            <figcaption>{title}</figcaption>
        </figure>
    }
}

/// `0.8123` → `81.2%`.
pub fn percent(rate: f64) -> String {
    format!("{:.1}%", rate * 100.0)
}
