//! Charts drawn as plain SVG on the server: axes with ticks, labels and units, a
//! legend, and a `<title>` on every mark so a pointer shows the exact number.

use leptos::prelude::*;

/// Series colours, told apart in greyscale too (light to dark alternate).
const PALETTE: [&str; 8] = [
    "#2563eb", "#dc2626", "#059669", "#d97706", "#7c3aed", "#0891b2", "#be185d", "#4b5563",
];

const WIDTH: f64 = 640.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;

pub fn colour(index: usize) -> &'static str {
    PALETTE[index % PALETTE.len()]
}

/// Evenly spaced round tick values from 0 to at least `max` (1, 2 or 5 times a power
/// of ten apart, and at least `min_step`: counts never get a tick at 0.5), about
/// `wanted` of them.
pub fn nice_ticks(max: f64, wanted: usize, min_step: f64) -> Vec<f64> {
    let max = if max.is_finite() && max > 0.0 { max } else { 1.0 };
    let rough = (max / wanted.max(1) as f64).max(min_step);
    let magnitude = 10f64.powf(rough.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= rough)
        .unwrap_or(10.0 * magnitude);
    let count = (max / step).ceil() as usize;
    (0..=count).map(|i| i as f64 * step).collect()
}

/// A tick label without needless decimals.
fn tick_label(value: f64) -> String {
    if value.fract().abs() < 1e-9 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    }
}

/// One legend entry: a name, its colour and how opaque its marks are.
struct Key {
    name: String,
    colour: &'static str,
    opacity: f64,
}

/// Each series' colour and name; the squares are SVG, as the CSP allows no inline `style`.
#[component]
fn Legend(keys: Vec<Key>) -> impl IntoView {
    let items = keys
        .into_iter()
        .map(|key| {
            view! {
                <span class="legend-item">
                    <svg class="swatch" viewBox="0 0 10 10" width="10" height="10" aria-hidden="true">
                        <rect width="10" height="10" rx="2" fill=key.colour fill-opacity=key.opacity/>
                    </svg>
                    {key.name}
                </span>
            }
        })
        .collect_view();
    view! { <div class="legend">{items}</div> }
}

/// How opaque the `n`th bar of a group is: the first solid, the next lighter.
fn bar_opacity(n: usize) -> f64 {
    (1.0 - 0.45 * n as f64).max(0.3)
}

/// One line per series over labelled x positions (hours of the day, say).
#[derive(Clone, Debug, PartialEq)]
pub struct LineSeries {
    pub name: String,
    pub values: Vec<f64>,
    /// The palette entry: a provider keeps its colour across charts.
    pub colour: usize,
}

/// A line chart: `x_labels` under the x axis (every `label_every`-th shown), the y axis
/// from 0 with round ticks and `y_unit` as its title. Pointing anywhere over an x
/// position shows every series' value there.
#[component]
pub fn LineChart(
    title: &'static str,
    y_unit: &'static str,
    x_unit: &'static str,
    x_labels: Vec<String>,
    label_every: usize,
    series: Vec<LineSeries>,
) -> impl IntoView {
    let height = 240.0;
    let bottom = 52.0;
    let plot_h = height - TOP - bottom;
    let plot_w = WIDTH - LEFT - RIGHT;
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .fold(0.0, f64::max);
    // Counts: whole numbers only.
    let ticks = nice_ticks(max, 4, 1.0);
    let top_value = ticks.last().copied().unwrap_or(1.0);
    let points = x_labels.len().max(2);
    let x = move |i: usize| LEFT + plot_w * i as f64 / (points - 1) as f64;
    let y = move |v: f64| TOP + plot_h - plot_h * v / top_value;
    let grid = ticks
        .iter()
        .map(|t| {
            let ty = y(*t);
            view! {
                <line class="grid" x1=LEFT x2=WIDTH - RIGHT y1=ty y2=ty/>
                <text class="tick" x=LEFT - 6.0 y=ty + 4.0 text-anchor="end">{tick_label(*t)}</text>
            }
        })
        .collect_view();
    let x_ticks = x_labels
        .iter()
        .enumerate()
        .filter(|(i, _)| i % label_every.max(1) == 0)
        .map(|(i, label)| {
            view! {
                <line class="axis" x1=x(i) x2=x(i) y1=TOP + plot_h y2=TOP + plot_h + 4.0/>
                <text class="tick" x=x(i) y=TOP + plot_h + 20.0 text-anchor="middle">{label.clone()}</text>
            }
        })
        .collect_view();
    let lines = series
        .iter()
        .map(|s| {
            let path = s
                .values
                .iter()
                .enumerate()
                .map(|(i, v)| format!("{:.1},{:.1}", x(i), y(*v)))
                .collect::<Vec<_>>()
                .join(" ");
            let dots = s
                .values
                .iter()
                .enumerate()
                .filter(|(_, v)| **v > 0.0)
                .map(|(i, v)| view! { <circle cx=x(i) cy=y(*v) r="3" fill=colour(s.colour)/> })
                .collect_view();
            view! {
                <polyline points=path fill="none" stroke=colour(s.colour) stroke-width="2" data-series=s.name.clone()/>
                {dots}
            }
        })
        .collect_view();
    // A column per x position, as wide as the gap between two, that names every value.
    let column_w = plot_w / (points - 1) as f64;
    let columns = x_labels
        .iter()
        .enumerate()
        .map(|(i, label)| {
            let values = series
                .iter()
                .map(|s| {
                    format!(
                        "{}: {}",
                        s.name,
                        tick_label(s.values.get(i).copied().unwrap_or(0.0))
                    )
                })
                .collect::<Vec<_>>()
                .join(", ");
            let left = (x(i) - column_w / 2.0).max(LEFT);
            let right = (x(i) + column_w / 2.0).min(WIDTH - RIGHT);
            view! {
                <rect class="hover-column" x=left y=TOP width=right - left height=plot_h data-x=label.clone()>
                    <title>{format!("{label}: {values} ({y_unit})")}</title>
                </rect>
            }
        })
        .collect_view();
    let keys: Vec<Key> = series
        .iter()
        .map(|s| Key {
            name: s.name.clone(),
            colour: colour(s.colour),
            opacity: 1.0,
        })
        .collect();
    view! {
        <figure class="chart" data-chart=title>
            <figcaption>{title}</figcaption>
            <svg viewBox=format!("0 0 {WIDTH} {height}") role="img" aria-label=title>
                {grid}
                <line class="axis" x1=LEFT x2=LEFT y1=TOP y2=TOP + plot_h/>
                <line class="axis" x1=LEFT x2=WIDTH - RIGHT y1=TOP + plot_h y2=TOP + plot_h/>
                {x_ticks}
                <text class="axis-title" x="14" y=TOP + plot_h / 2.0 transform=format!("rotate(-90 14 {})", TOP + plot_h / 2.0) text-anchor="middle">{y_unit}</text>
                <text class="axis-title" x=LEFT + plot_w / 2.0 y=height - 4.0 text-anchor="middle">{x_unit}</text>
                {columns}
                {lines}
            </svg>
            <Legend keys/>
        </figure>
    }
    // Erased: a page with three charts would otherwise nest past the compiler's type depth.
    .into_any()
}

/// One group of bars (a provider), one bar per series.
#[derive(Clone, Debug, PartialEq)]
pub struct BarGroup {
    pub label: String,
    /// The palette entry of the group's bars (a provider's colour); the series are told
    /// apart by how opaque they are.
    pub colour: usize,
    /// `None` draws no bar and says "no data".
    pub values: Vec<Option<f64>>,
}

/// Horizontal grouped bars with a value axis from 0 (or to `fixed_max`), labelled with
/// `unit`; each bar carries its number at its end.
#[component]
pub fn BarChart(
    title: &'static str,
    unit: &'static str,
    series: Vec<&'static str>,
    groups: Vec<BarGroup>,
    #[prop(optional)] fixed_max: Option<f64>,
    /// The values are counts: ticks are whole numbers.
    #[prop(optional)]
    counts: bool,
) -> impl IntoView {
    let bar_h = 16.0;
    let gap = 10.0;
    let group_h = bar_h * series.len() as f64 + gap;
    let left = 150.0;
    let bottom = 48.0;
    // Room after the longest bar for its number and unit.
    let plot_w = WIDTH - left - RIGHT - 90.0;
    let plot_h = group_h * groups.len().max(1) as f64;
    let height = TOP + plot_h + bottom;
    let max = groups
        .iter()
        .flat_map(|g| g.values.iter().flatten().copied())
        .fold(0.0, f64::max);
    let min_step = if counts { 1.0 } else { 0.0 };
    let ticks = nice_ticks(fixed_max.unwrap_or(max), 5, min_step);
    let top_value = ticks.last().copied().unwrap_or(1.0);
    let x = move |v: f64| left + plot_w * v / top_value;
    let grid = ticks
        .iter()
        .map(|t| {
            let tx = x(*t);
            view! {
                <line class="grid" x1=tx x2=tx y1=TOP y2=TOP + plot_h/>
                <text class="tick" x=tx y=TOP + plot_h + 20.0 text-anchor="middle">{tick_label(*t)}</text>
            }
        })
        .collect_view();
    let bars = groups
        .iter()
        .enumerate()
        .map(|(g, group)| {
            let group_top = TOP + g as f64 * group_h + gap / 2.0;
            let marks = group
                .values
                .iter()
                .enumerate()
                .map(|(n, value)| {
                    let by = group_top + n as f64 * bar_h;
                    let name = series.get(n).copied().unwrap_or_default();
                    match value {
                        Some(v) => {
                            let text = format!("{} {unit}", tick_label((*v * 10.0).round() / 10.0));
                            view! {
                                <rect x=left y=by width=(x(*v) - left).max(1.0) height=bar_h - 2.0 fill=colour(group.colour) fill-opacity=bar_opacity(n)>
                                    <title>{format!("{}, {name}: {text}", group.label)}</title>
                                </rect>
                                <text class="bar-value" x=x(*v) + 4.0 y=by + bar_h - 3.0>{text}</text>
                            }
                            .into_any()
                        }
                        None => view! { <text class="bar-value" x=left + 4.0 y=by + bar_h - 3.0>"no data"</text> }.into_any(),
                    }
                })
                .collect_view();
            view! {
                <text class="tick" x=left - 6.0 y=group_top + bar_h * series.len() as f64 / 2.0 + 4.0 text-anchor="end">{group.label.clone()}</text>
                {marks}
            }
        })
        .collect_view();
    // The series by opacity, in a neutral colour: the colours are the providers'.
    let keys: Vec<Key> = series
        .iter()
        .enumerate()
        .map(|(n, name)| Key {
            name: (*name).to_owned(),
            colour: "#4b5563",
            opacity: bar_opacity(n),
        })
        .collect();
    view! {
        <figure class="chart" data-chart=title>
            <figcaption>{title}</figcaption>
            <svg viewBox=format!("0 0 {WIDTH} {height}") role="img" aria-label=title>
                {grid}
                <line class="axis" x1=left x2=left y1=TOP y2=TOP + plot_h/>
                <line class="axis" x1=left x2=left + plot_w y1=TOP + plot_h y2=TOP + plot_h/>
                {bars}
                <text class="axis-title" x=left + plot_w / 2.0 y=height - 4.0 text-anchor="middle">{unit}</text>
            </svg>
            {(series.len() > 1).then(|| view! { <Legend keys/> })}
        </figure>
    }
    // Erased: a page with three charts would otherwise nest past the compiler's type depth.
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_cover_the_maximum() {
        assert_eq!(nice_ticks(7.0, 4, 0.0), vec![0.0, 2.0, 4.0, 6.0, 8.0]);
        assert_eq!(
            nice_ticks(100.0, 5, 0.0),
            vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
        );
        assert_eq!(nice_ticks(1234.0, 4, 0.0), vec![0.0, 500.0, 1000.0, 1500.0]);
        assert_eq!(nice_ticks(0.0, 4, 0.0), vec![0.0, 0.5, 1.0]);
        assert_eq!(nice_ticks(f64::NAN, 4, 0.0), vec![0.0, 0.5, 1.0]);
        assert_eq!(
            nice_ticks(1.0, 4, 1.0),
            vec![0.0, 1.0],
            "a count axis has whole ticks"
        );
        assert_eq!(nice_ticks(3.0, 4, 1.0), vec![0.0, 1.0, 2.0, 3.0]);
    }

    #[test]
    fn labels_drop_needless_decimals() {
        assert_eq!(tick_label(20.0), "20");
        assert_eq!(tick_label(0.5), "0.5");
    }
}
