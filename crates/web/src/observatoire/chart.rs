//! Server-rendered SVG charts: lines over time, horizontal bars and columns, written as inline SVG
//! that needs no script and no inline style (the site's Content-Security-Policy forbids both).
//! Shapes carry presentation attributes (`fill`, `stroke`, `font-size`…) and the classes styled
//! by `site/static/graphiques.css`; every text, which may come from crawled pages, is escaped.
//!
//! Each chart is self-describing: a visible title, axis labels with their unit, the source at the
//! bottom, and for assistive technologies `role="img"` with a `<title>` and a one-sentence
//! `<desc>`. The building blocks shared with the map (escaping, number formatting, text measure,
//! title and source blocks) live here.

use std::fmt::Write as _;

/// What every chart says about itself.
pub(crate) struct ChartSpec<'a> {
    /// Unique within the page; the ids of the chart's `<title>` and `<desc>` are derived from it
    /// (reduced to `[a-z0-9-]`).
    pub id: &'a str,
    /// French title, shown at the top and given to assistive technologies.
    pub title: &'a str,
    /// Label of the categories or of time (« Mois », « Région »).
    pub x_label: &'a str,
    /// Label of the values (« Offres publiées »); the unit is added when it does not appear in it.
    pub y_label: &'a str,
    /// Unit of the values (« offres », « € », « % »).
    pub unit: &'a str,
    /// Source line written at the bottom (« Source : offres collectées par l'observatoire socle »).
    pub source: &'a str,
}

/// One line of a line chart: its legend label and its points, an x label (`"2026-03"`) and a
/// value each; a value that is not finite is a missing point (the line is interrupted).
pub(crate) struct Series<'a> {
    /// Name of the series, shown in the legend when there are several.
    pub label: &'a str,
    /// Points in x order.
    pub points: Vec<(String, f64)>,
}

/// Width of every chart's viewBox; the SVG scales to its container through CSS.
pub(super) const WIDTH: f64 = 640.0;
/// Outer padding on each side.
pub(super) const PADDING: f64 = 16.0;
/// Main text colour (contrast 17.7:1 on white).
pub(super) const TEXT: &str = "#161616";
/// Secondary text colour: ticks, source, axis labels (contrast 11.4:1 on white).
pub(super) const TEXT_MUTED: &str = "#3a3a3a";
/// Background of the "no data" panel.
const SOFT_BACKGROUND: &str = "#f6f6f6";
/// Grid lines: decorative, the values are given by the tick labels.
const GRID: &str = "#e0e0e0";
/// Axis base lines.
const AXIS: &str = "#666666";
/// Series colours, every one readable as text on white (≥ 4.5:1) and so as a mark (≥ 3:1); the
/// order alternates hue and lightness so that neighbours stay apart for colour-blind readers, and
/// line series also differ by their marker's shape.
pub(super) const PALETTE: [&str; 6] = ["#000091", "#b34000", "#18753c", "#a4216a", "#006b6f", "#5c4b9b"];
/// Font stack written as a presentation attribute, so that the SVG reads well on its own too.
const FONT_FAMILY: &str = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'Liberation Sans', sans-serif";
/// Text shown instead of a chart when there is nothing to draw.
pub(super) const NO_DATA: &str = "Aucune donnée pour ces filtres.";
/// Narrow no-break space (U+202F), the French thousands separator.
const THIN_SPACE: char = '\u{202F}';
/// No-break space between a number and its unit.
const NO_BREAK_SPACE: char = '\u{A0}';

const TITLE_SIZE: f64 = 17.0;
const LABEL_SIZE: f64 = 13.0;
const TICK_SIZE: f64 = 12.0;
const SOURCE_SIZE: f64 = 11.0;

/// French number formatting shared with templates: `format_number(12345.0, 0) == "12 345"` (with
/// U+202F narrow no-break spaces), `format_number(3.5, 1) == "3,5"`, negative numbers with a
/// minus sign (U+2212). A value that is not finite gives « n.d. » (non disponible).
pub fn format_number(value: f64, decimals: usize) -> String {
    if !value.is_finite() {
        return "n.d.".to_owned();
    }
    let decimals = decimals.min(12);
    let plain = format!("{:.*}", decimals, value.abs());
    let (integer, fraction) = plain.split_once('.').unwrap_or((&plain, ""));
    let negative = value < 0.0 && plain.bytes().any(|byte| byte.is_ascii_digit() && byte != b'0');
    let mut out = String::with_capacity(plain.len() + 8);
    if negative {
        out.push('\u{2212}');
    }
    for (index, digit) in integer.chars().enumerate() {
        if index > 0 && (integer.len() - index) % 3 == 0 {
            out.push(THIN_SPACE);
        }
        out.push(digit);
    }
    if !fraction.is_empty() {
        out.push(',');
        out.push_str(fraction);
    }
    out
}

/// A formatted number followed by its unit, joined by a no-break space (« 1 234 offres »,
/// « 3,5 % »); no unit gives the number alone.
pub(super) fn with_unit(number: &str, unit: &str) -> String {
    let unit = unit.trim();
    if unit.is_empty() { number.to_owned() } else { format!("{number}{NO_BREAK_SPACE}{unit}") }
}

/// Whether a unit is a short symbol (« € », « % ») worth repeating next to every value label, as
/// opposed to a word (« offres ») that the axis label already says.
fn is_symbol(unit: &str) -> bool {
    let unit = unit.trim();
    !unit.is_empty() && unit.chars().count() <= 2 && !unit.chars().all(char::is_alphabetic)
}

/// The number of decimals that the values need: none when all are whole, one otherwise.
pub(super) fn decimals_for(values: impl IntoIterator<Item = f64>) -> usize {
    let whole = values.into_iter().filter(|value| value.is_finite()).all(|value| value.fract() == 0.0);
    if whole { 0 } else { 1 }
}

/// Escapes text for XML content and attribute values; characters that XML 1.0 does not allow
/// (most control characters) are dropped, so hostile labels cannot break the document.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(' '),
            '\u{0}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}' => {}
            other => out.push(other),
        }
    }
    out
}

/// Reduces a chart id to lowercase ASCII letters, digits and single hyphens (« Offres / mois » →
/// `offres-mois`); an id with nothing left becomes `graphique`.
pub(super) fn sanitize_id(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for character in id.chars().flat_map(char::to_lowercase) {
        if character.is_ascii_lowercase() || character.is_ascii_digit() {
            out.push(character);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() { "graphique".to_owned() } else { out }
}

/// Estimated width of a text in a sans-serif font, slightly generous so that labels placed with
/// it never overlap: the server cannot measure glyphs.
pub(super) fn text_width(text: &str, font_size: f64) -> f64 {
    let ems: f64 = text
        .chars()
        .map(|character| match character {
            'i' | 'j' | 'l' | '\'' | '.' | ',' | ':' | ';' | '!' | '|' | '’' => 0.3,
            ' ' | '\u{A0}' => 0.3,
            '\u{202F}' => 0.2,
            'f' | 't' | 'r' | 'I' | '(' | ')' | '-' | '/' => 0.38,
            'm' | 'w' | 'M' | 'W' | '—' | '…' | '%' => 0.88,
            character if character.is_uppercase() => 0.7,
            character if character.is_ascii_digit() => 0.58,
            _ => 0.57,
        })
        .sum();
    ems * font_size
}

/// The text cut with « … » so that it fits in `max_width`; the flag says whether it was cut.
pub(super) fn truncate(text: &str, max_width: f64, font_size: f64) -> (String, bool) {
    let text = text.trim();
    if text_width(text, font_size) <= max_width {
        return (text.to_owned(), false);
    }
    let mut kept = String::new();
    for character in text.chars() {
        kept.push(character);
        if text_width(&kept, font_size) + text_width("…", font_size) > max_width {
            kept.pop();
            break;
        }
    }
    (format!("{}…", kept.trim_end()), true)
}

/// Splits a text into lines that fit in `max_width`, at breaking spaces (never at the no-break
/// spaces French puts before « : », « ; » and inside numbers); past `max_lines` the last line is
/// truncated with « … ».
pub(super) fn wrap(text: &str, max_width: f64, font_size: f64, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    let breaking = |ch: char| ch.is_whitespace() && !matches!(ch, NO_BREAK_SPACE | THIN_SPACE | '\u{2007}');
    for word in text.split(breaking).filter(|word| !word.is_empty()) {
        let candidate = if current.is_empty() { word.to_owned() } else { format!("{current} {word}") };
        if current.is_empty() || text_width(&candidate, font_size) <= max_width {
            current = candidate;
        } else {
            lines.push(std::mem::replace(&mut current, word.to_owned()));
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    if lines.len() > max_lines {
        let rest = lines.split_off(max_lines - 1).join(" ");
        lines.push(rest);
    }
    for line in &mut lines {
        *line = truncate(line, max_width, font_size).0;
    }
    lines
}

/// Round tick values for a value axis: a step of 1, 2, 2.5 or 5 times a power of ten, the first
/// tick at or below `low`, the last at or above `high`.
#[derive(Debug)]
pub(super) struct Ticks {
    /// Tick values, increasing.
    pub values: Vec<f64>,
    /// Decimals needed to write them.
    pub decimals: usize,
}

/// The value axis of a chart whose axis includes 0 (lines, bars, columns): the decimals the
/// finite `values` need, round ticks from the lowest of 0 and the values to the highest, and the
/// axis ends (the first and last tick).
fn scale_with_zero(values: impl Iterator<Item = f64> + Clone, target: usize) -> (usize, Ticks, f64, f64) {
    let decimals = decimals_for(values.clone());
    let low = values.clone().fold(0.0, f64::min);
    let high = values.fold(0.0, f64::max);
    let ticks = nice_ticks(low, high, target, decimals == 0);
    let (axis_low, axis_high) = (ticks.values[0], *ticks.values.last().unwrap_or(&1.0));
    (decimals, ticks, axis_low, axis_high)
}

/// Ticks covering `[low, high]` with about `target` intervals; `whole` keeps the step at 1 or
/// more (counts are never written 0,5).
pub(super) fn nice_ticks(low: f64, high: f64, target: usize, whole: bool) -> Ticks {
    let (low, mut high) = if low.is_finite() && high.is_finite() { (low, high) } else { (0.0, 1.0) };
    if high <= low {
        high = low + 1.0;
    }
    let raw = (high - low) / target.max(1) as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let mut step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|factor| factor * magnitude)
        .find(|step| *step >= raw * (1.0 - 1e-9))
        .unwrap_or(10.0 * magnitude);
    if whole && step < 1.0 {
        step = 1.0;
    }
    let decimals = (0..=10).find(|decimals| {
        let scaled = step * 10f64.powi(*decimals as i32);
        (scaled - scaled.round()).abs() < 1e-6 * scaled.max(1.0)
    });
    let decimals = decimals.unwrap_or(10);
    let first = (low / step + 1e-9).floor();
    let last = (high / step - 1e-9).ceil();
    let count = (last - first).round().max(1.0) as usize;
    let rounding = 10f64.powi(decimals as i32);
    let values = (0..=count).map(|index| ((first + index as f64) * step * rounding).round() / rounding).collect();
    Ticks { values, decimals }
}

/// A number rounded for writing into SVG coordinates (two decimals at most, no `-0`).
pub(super) fn coordinate(value: f64) -> String {
    let rounded = (value * 100.0).round() / 100.0;
    if rounded == 0.0 { "0".to_owned() } else { rounded.to_string() }
}

/// The value axis label with its unit in brackets, unless the label already names the unit.
fn value_axis_label(spec: &ChartSpec<'_>) -> String {
    let unit = spec.unit.trim();
    if unit.is_empty() || spec.y_label.to_lowercase().contains(&unit.to_lowercase()) {
        spec.y_label.trim().to_owned()
    } else {
        format!("{} ({unit})", spec.y_label.trim())
    }
}

/// A value written for a label on the chart: with the unit when it is a symbol.
fn value_label(value: f64, decimals: usize, unit: &str) -> String {
    let number = format_number(value, decimals);
    if is_symbol(unit) { with_unit(&number, unit) } else { number }
}

/// A value written for a sentence or a tooltip: always with its unit.
pub(super) fn value_text(value: f64, decimals: usize, unit: &str) -> String {
    with_unit(&format_number(value, decimals), unit)
}

/// How a `<text>` element looks: font size, colour, anchor and class.
pub(super) struct TextStyle<'a> {
    /// Font size in viewBox units.
    pub size: f64,
    /// Fill colour.
    pub fill: &'a str,
    /// `start`, `middle` or `end`.
    pub anchor: &'a str,
    /// Class for the stylesheet.
    pub class: &'a str,
}

/// A `<text>` element.
pub(super) fn text(out: &mut String, x: f64, y: f64, style: TextStyle<'_>, content: &str) {
    let TextStyle { size, fill, anchor, class } = style;
    let _ = write!(
        out,
        r#"<text class="{class}" x="{}" y="{}" font-size="{size}" fill="{fill}" text-anchor="{anchor}">{}</text>"#,
        coordinate(x),
        coordinate(y),
        escape(content)
    );
}

/// The visible title at the top, wrapped on up to two lines; returns the markup and the y where
/// the chart's body may start.
pub(super) fn title_block(spec: &ChartSpec<'_>, width: f64) -> (String, f64) {
    let mut out = String::new();
    let mut y = PADDING;
    // Bold glyphs are wider than the regular ones `text_width` measures (a fifth in DejaVu Sans,
    // the fallback of many Linux systems).
    for line in wrap(spec.title, (width - 2.0 * PADDING) / 1.2, TITLE_SIZE, 2) {
        y += TITLE_SIZE * 1.25;
        let _ = write!(
            out,
            r#"<text class="graphique-titre" x="{PADDING}" y="{}" font-size="{TITLE_SIZE}" font-weight="700" fill="{TEXT}">{}</text>"#,
            coordinate(y - TITLE_SIZE * 0.25),
            escape(&line)
        );
    }
    (out, y + 10.0)
}

/// The source lines at the bottom, starting at `top`; returns the markup and the total height.
pub(super) fn source_block(lines: &[&str], width: f64, top: f64) -> (String, f64) {
    let mut out = String::new();
    let mut y = top + 6.0;
    for source in lines {
        for line in wrap(source, width - 2.0 * PADDING, SOURCE_SIZE, 3) {
            y += SOURCE_SIZE * 1.4;
            text(
                &mut out,
                PADDING,
                y - SOURCE_SIZE * 0.3,
                TextStyle { size: SOURCE_SIZE, fill: TEXT_MUTED, anchor: "start", class: "graphique-source" },
                &line,
            );
        }
    }
    (out, y + PADDING - 4.0)
}

/// Wraps the parts of a chart into its `<svg>` element, with the title and description read by
/// assistive technologies.
pub(super) fn document(
    spec: &ChartSpec<'_>,
    kind: &str,
    role: &str,
    desc: &str,
    width: f64,
    height: f64,
    content: &str,
) -> String {
    let id = sanitize_id(spec.id);
    format!(
        concat!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" class="graphique {kind}" viewBox="0 0 {width} {height}" "#,
            r#"role="{role}" aria-labelledby="{id}-titre {id}-desc" font-family="{font}">"#,
            r#"<title id="{id}-titre">{title}</title><desc id="{id}-desc">{desc}</desc>"#,
            r#"<rect class="graphique-fond" width="{width}" height="{height}" fill="white"/>{content}</svg>"#
        ),
        kind = kind,
        width = coordinate(width),
        height = coordinate(height),
        role = role,
        id = id,
        font = escape(FONT_FAMILY),
        title = escape(spec.title.trim()),
        desc = escape(desc),
        content = content,
    )
}

/// The chart shown when there is nothing to draw: title, message, source.
pub(super) fn empty_chart(spec: &ChartSpec<'_>, kind: &str, extra_sources: &[&str]) -> String {
    let (mut content, top) = title_block(spec, WIDTH);
    let message_y = top + 70.0;
    let _ = write!(
        content,
        r#"<rect class="graphique-vide" x="{PADDING}" y="{}" width="{}" height="120" fill="{SOFT_BACKGROUND}"/>"#,
        coordinate(top + 10.0),
        coordinate(WIDTH - 2.0 * PADDING)
    );
    text(
        &mut content,
        WIDTH / 2.0,
        message_y,
        TextStyle { size: 15.0, fill: TEXT, anchor: "middle", class: "graphique-message" },
        NO_DATA,
    );
    let mut sources = vec![spec.source];
    sources.extend_from_slice(extra_sources);
    let (source, height) = source_block(&sources, WIDTH, top + 140.0);
    content.push_str(&source);
    document(spec, kind, "img", NO_DATA, WIDTH, height, &content)
}

/// The label of the category where a series of (label, value) reaches its maximum.
fn maximum<'a>(points: impl IntoIterator<Item = (&'a str, f64)>) -> Option<(&'a str, f64)> {
    points.into_iter().filter(|(_, value)| value.is_finite()).fold(None, |best, (label, value)| match best {
        Some((_, best_value)) if best_value >= value => best,
        _ => Some((label, value)),
    })
}

/// Which x labels to write so that they never overlap: every `step`-th, from the first.
fn label_step(labels: &[&str], band: f64, font_size: f64) -> usize {
    let widest = labels.iter().map(|label| text_width(label, font_size)).fold(0.0, f64::max);
    let needed = widest + 10.0;
    if band <= 0.0 { labels.len().max(1) } else { ((needed / band).ceil() as usize).max(1) }
}

/// A marker path centred on (x, y): circle, square, triangle or diamond by series index.
fn marker_path(shape: usize, x: f64, y: f64, radius: f64) -> String {
    let (x, y, r) = (x, y, radius);
    let c = coordinate;
    match shape % 4 {
        0 => format!("M{} {}a{r} {r} 0 1 0 {} 0a{r} {r} 0 1 0 {} 0Z", c(x - r), c(y), c(2.0 * r), c(-2.0 * r)),
        1 => {
            let s = r * 0.9;
            format!("M{} {}h{}v{}h{}Z", c(x - s), c(y - s), c(2.0 * s), c(2.0 * s), c(-2.0 * s))
        }
        2 => {
            let s = r * 1.25;
            format!("M{} {}L{} {} {} {}Z", c(x), c(y - s), c(x + s), c(y + s * 0.8), c(x - s), c(y + s * 0.8))
        }
        _ => {
            let s = r * 1.25;
            format!("M{} {}L{} {} {} {} {} {}Z", c(x), c(y - s), c(x + s), c(y), c(x), c(y + s), c(x - s), c(y))
        }
    }
}

/// Height of the plot area of the charts with a vertical value axis (line and column charts).
const PLOT_HEIGHT: f64 = 220.0;

/// Where a vertical value axis put the plot: its bottom edge and the width its widest tick
/// label takes on the left.
struct ValueAxis {
    plot_bottom: f64,
    widest_tick: f64,
}

/// Writes the title of a vertical value axis (with its unit) at `y`, and places the plot `gap`
/// below it, [`PLOT_HEIGHT`] high; shared by the line and column charts.
fn value_axis(content: &mut String, spec: &ChartSpec<'_>, ticks: &Ticks, y: f64, gap: f64) -> ValueAxis {
    let y = y + LABEL_SIZE;
    text(
        content,
        PADDING,
        y,
        TextStyle { size: LABEL_SIZE, fill: TEXT_MUTED, anchor: "start", class: "graphique-axe-titre" },
        &value_axis_label(spec),
    );
    let widest_tick = ticks
        .values
        .iter()
        .map(|value| text_width(&format_number(*value, ticks.decimals), TICK_SIZE))
        .fold(0.0, f64::max);
    ValueAxis { plot_bottom: y + gap + PLOT_HEIGHT, widest_tick }
}

/// The vertical grid line of a horizontal value axis at `x` (the zero line darker), from `top`
/// to `bottom`; shared by the bar and paired bar charts.
fn grid_line_vertical(out: &mut String, value: f64, x: f64, top: f64, bottom: f64) {
    let (class, stroke) = if value == 0.0 { ("graphique-zero", AXIS) } else { ("graphique-grille", GRID) };
    let _ = write!(
        out,
        r#"<line class="{class}" x1="{x}" x2="{x}" y1="{}" y2="{}" stroke="{stroke}" stroke-width="1"/>"#,
        coordinate(top),
        coordinate(bottom),
        x = coordinate(x)
    );
}

/// Horizontal grid lines and tick labels of a vertical value axis.
fn value_grid_horizontal(out: &mut String, ticks: &Ticks, left: f64, right: f64, y_of: &dyn Fn(f64) -> f64) {
    for value in &ticks.values {
        let y = y_of(*value);
        let class = if *value == 0.0 { "graphique-zero" } else { "graphique-grille" };
        let stroke = if *value == 0.0 { AXIS } else { GRID };
        let _ = write!(
            out,
            r#"<line class="{class}" x1="{}" x2="{}" y1="{}" y2="{}" stroke="{stroke}" stroke-width="1"/>"#,
            coordinate(left),
            coordinate(right),
            coordinate(y),
            coordinate(y)
        );
        let label = format_number(*value, ticks.decimals);
        let style = TextStyle { size: TICK_SIZE, fill: TEXT_MUTED, anchor: "end", class: "graphique-graduation" };
        text(out, left - 8.0, y + TICK_SIZE * 0.35, style, &label);
    }
}

/// A line chart: one or more series over shared x labels, with markers, x labels thinned so they
/// never overlap, a value axis with round ticks that starts at 0, French numbers, and a legend
/// when there are several series.
pub(crate) fn line_chart(spec: &ChartSpec<'_>, series: &[Series<'_>]) -> String {
    const KIND: &str = "graphique-courbes";
    let finite = || series.iter().flat_map(|one| one.points.iter().map(|(_, value)| *value)).filter(|v| v.is_finite());
    if finite().next().is_none() {
        return empty_chart(spec, KIND, &[]);
    }
    // Shared x labels, in order of first appearance; a label first seen in a later series goes
    // right after the label that precedes it there.
    let mut labels: Vec<&str> = Vec::new();
    for one in series {
        let mut previous: Option<usize> = None;
        for (label, _) in &one.points {
            match labels.iter().position(|known| known == label) {
                Some(index) => previous = Some(index),
                None => {
                    let index = previous.map_or(labels.len(), |index| index + 1);
                    labels.insert(index, label);
                    previous = Some(index);
                }
            }
        }
    }
    let (decimals, ticks, axis_low, axis_high) = scale_with_zero(finite(), 5);

    let (mut content, mut y) = title_block(spec, WIDTH);

    // Legend: one swatch per series, wrapped over as many rows as needed.
    if series.len() > 1 {
        let mut x = PADDING;
        y += 8.0;
        for (index, one) in series.iter().enumerate() {
            let colour = PALETTE[index % PALETTE.len()];
            let (label, _) = truncate(one.label, 220.0, LABEL_SIZE);
            let item_width = 34.0 + text_width(&label, LABEL_SIZE) + 18.0;
            if x + item_width > WIDTH - PADDING && x > PADDING {
                x = PADDING;
                y += 22.0;
            }
            let _ = write!(
                content,
                r#"<g class="graphique-legende"><line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{colour}" stroke-width="2.5"/><path d="{}" fill="{colour}" stroke="white" stroke-width="1"/>"#,
                coordinate(x),
                coordinate(x + 26.0),
                coordinate(y),
                coordinate(y),
                marker_path(index, x + 13.0, y, 4.0)
            );
            text(
                &mut content,
                x + 32.0,
                y + LABEL_SIZE * 0.35,
                TextStyle { size: LABEL_SIZE, fill: TEXT, anchor: "start", class: "graphique-legende-texte" },
                &label,
            );
            content.push_str("</g>");
            x += item_width;
        }
        y += 28.0;
    }

    let ValueAxis { plot_bottom, widest_tick } = value_axis(&mut content, spec, &ticks, y, 14.0);
    let first_half = labels.first().map_or(0.0, |label| text_width(label, TICK_SIZE) / 2.0);
    let last_half = labels.last().map_or(0.0, |label| text_width(label, TICK_SIZE) / 2.0);
    let left = (PADDING + widest_tick + 10.0).max(PADDING + first_half + 2.0);
    let right = WIDTH - PADDING - last_half.max(8.0);
    let x_of = |index: usize| {
        if labels.len() <= 1 {
            (left + right) / 2.0
        } else {
            left + index as f64 * (right - left) / (labels.len() - 1) as f64
        }
    };
    let y_of = |value: f64| plot_bottom - (value - axis_low) / (axis_high - axis_low) * PLOT_HEIGHT;
    value_grid_horizontal(&mut content, &ticks, left, right, &y_of);
    if axis_low != 0.0 || !ticks.values.contains(&0.0) {
        let _ = write!(
            content,
            r#"<line class="graphique-axe" x1="{}" x2="{}" y1="{}" y2="{}" stroke="{AXIS}" stroke-width="1"/>"#,
            coordinate(left),
            coordinate(right),
            coordinate(plot_bottom),
            coordinate(plot_bottom)
        );
    }

    // X labels, thinned; the last one is written too when it does not collide.
    let band = if labels.len() > 1 { (right - left) / (labels.len() - 1) as f64 } else { right - left };
    let step = label_step(&labels, band, TICK_SIZE);
    let mut written: Vec<usize> = (0..labels.len()).step_by(step).collect();
    if let (Some(&last_written), Some(last)) = (written.last(), labels.len().checked_sub(1))
        && last_written != last
    {
        let gap = x_of(last) - x_of(last_written);
        let needed = (text_width(labels[last], TICK_SIZE) + text_width(labels[last_written], TICK_SIZE)) / 2.0 + 10.0;
        if gap >= needed {
            written.push(last);
        }
    }
    for index in written {
        let x = x_of(index);
        let _ = write!(
            content,
            r#"<line class="graphique-repere" x1="{x}" x2="{x}" y1="{}" y2="{}" stroke="{AXIS}" stroke-width="1"/>"#,
            coordinate(plot_bottom),
            coordinate(plot_bottom + 5.0),
            x = coordinate(x)
        );
        text(
            &mut content,
            x,
            plot_bottom + 20.0,
            TextStyle { size: TICK_SIZE, fill: TEXT_MUTED, anchor: "middle", class: "graphique-graduation" },
            labels[index],
        );
    }
    text(
        &mut content,
        (left + right) / 2.0,
        plot_bottom + 44.0,
        TextStyle { size: LABEL_SIZE, fill: TEXT_MUTED, anchor: "middle", class: "graphique-axe-titre" },
        spec.x_label.trim(),
    );

    // Lines, interrupted at missing points, then markers with their tooltip.
    let radius = if labels.len() > 60 { 2.5 } else { 4.0 };
    for (series_index, one) in series.iter().enumerate() {
        let colour = PALETTE[series_index % PALETTE.len()];
        let position = |label: &str| labels.iter().position(|known| *known == label).unwrap_or(0);
        let mut path = String::new();
        let mut pen_down = false;
        for (label, value) in &one.points {
            if value.is_finite() {
                let command = if pen_down { 'L' } else { 'M' };
                let _ = write!(path, "{command}{} {}", coordinate(x_of(position(label))), coordinate(y_of(*value)));
                pen_down = true;
            } else {
                pen_down = false;
            }
        }
        let _ = write!(
            content,
            r#"<g class="graphique-serie serie-{}"><path class="graphique-ligne" d="{path}" fill="none" stroke="{colour}" stroke-width="2.5" stroke-linejoin="round" stroke-linecap="round"/>"#,
            series_index % PALETTE.len() + 1
        );
        for (label, value) in one.points.iter().filter(|(_, value)| value.is_finite()) {
            let tooltip = if series.len() > 1 {
                format!("{} — {label} : {}", one.label, value_text(*value, decimals, spec.unit))
            } else {
                format!("{label} : {}", value_text(*value, decimals, spec.unit))
            };
            let _ = write!(
                content,
                r#"<path class="graphique-point" d="{}" fill="{colour}" stroke="white" stroke-width="1.5"><title>{}</title></path>"#,
                marker_path(series_index, x_of(position(label)), y_of(*value), radius),
                escape(&tooltip)
            );
        }
        content.push_str("</g>");
    }

    let (source, height) = source_block(&[spec.source], WIDTH, plot_bottom + 54.0);
    content.push_str(&source);
    let desc = describe_lines(spec, series, &labels, decimals);
    document(spec, KIND, "img", &desc, WIDTH, height, &content)
}

/// One sentence saying what a line chart shows: its span and its maximum.
fn describe_lines(spec: &ChartSpec<'_>, series: &[Series<'_>], labels: &[&str], decimals: usize) -> String {
    let span = match (labels.first(), labels.last()) {
        (Some(first), Some(last)) if first != last => format!("de {first} à {last}"),
        (Some(first), _) => format!("en {first}"),
        _ => String::new(),
    };
    let mut best: Option<(&str, &str, f64)> = None;
    for one in series {
        if let Some((label, value)) = maximum(one.points.iter().map(|(label, value)| (label.as_str(), *value)))
            && best.is_none_or(|(_, _, best_value)| value > best_value)
        {
            best = Some((one.label, label, value));
        }
    }
    let Some((series_label, label, value)) = best else { return NO_DATA.to_owned() };
    let value = value_text(value, decimals, spec.unit);
    if series.len() > 1 {
        let names: Vec<&str> = series.iter().map(|one| one.label).collect();
        format!(
            "{} courbes ({}) {span} ; la plus haute valeur est {value} ({series_label}, {label}).",
            series.len(),
            names.join(", ")
        )
    } else {
        let last = series[0].points.iter().rev().find(|(_, value)| value.is_finite());
        let last = last.map(|(label, value)| {
            format!(" ; dernière valeur : {} en {label}", value_text(*value, decimals, spec.unit))
        });
        format!("Courbe {span} ; maximum : {value} en {label}{}.", last.unwrap_or_default())
    }
}

/// Horizontal bars in the order given, the label on the left (cut with « … » when long, the full
/// label in the row's tooltip), the value at the end of each bar. `x_label` names the categories
/// (written above the labels), `y_label` the values (written under the value axis).
pub(crate) fn bar_chart(spec: &ChartSpec<'_>, bars: &[(String, f64)]) -> String {
    const KIND: &str = "graphique-barres";
    if !bars.iter().any(|(_, value)| value.is_finite()) {
        return empty_chart(spec, KIND, &[]);
    }
    let values = || bars.iter().map(|(_, value)| *value).filter(|value| value.is_finite());
    let (decimals, ticks, axis_low, axis_high) = scale_with_zero(values(), 4);

    let (mut content, mut y) = title_block(spec, WIDTH);
    let label_width =
        bars.iter().map(|(label, _)| text_width(label.trim(), LABEL_SIZE)).fold(0.0, f64::max).min(WIDTH * 0.36);
    let left = PADDING + label_width + 10.0;
    let widest_value =
        values().map(|value| text_width(&value_label(value, decimals, spec.unit), LABEL_SIZE)).fold(0.0, f64::max);
    let right = WIDTH - PADDING - widest_value - 8.0;
    let x_of = |value: f64| left + (value - axis_low) / (axis_high - axis_low) * (right - left);

    y += LABEL_SIZE;
    text(
        &mut content,
        PADDING,
        y,
        TextStyle { size: LABEL_SIZE, fill: TEXT_MUTED, anchor: "start", class: "graphique-axe-titre" },
        spec.x_label.trim(),
    );
    y += 10.0;
    let row = 28.0;
    let bar_height = 18.0;
    let plot_top = y;
    let plot_bottom = plot_top + row * bars.len() as f64;

    for value in &ticks.values {
        let x = x_of(*value);
        grid_line_vertical(&mut content, *value, x, plot_top, plot_bottom);
        let label = format_number(*value, ticks.decimals);
        text(
            &mut content,
            x,
            plot_bottom + 18.0,
            TextStyle { size: TICK_SIZE, fill: TEXT_MUTED, anchor: "middle", class: "graphique-graduation" },
            &label,
        );
    }

    for (index, (label, value)) in bars.iter().enumerate() {
        let row_top = plot_top + index as f64 * row;
        let middle = row_top + row / 2.0;
        let (shown, _) = truncate(label, label_width, LABEL_SIZE);
        let tooltip = if value.is_finite() {
            format!("{} : {}", label.trim(), value_text(*value, decimals, spec.unit))
        } else {
            format!("{} : pas de donnée", label.trim())
        };
        let _ = write!(content, r#"<g class="graphique-barre"><title>{}</title>"#, escape(&tooltip));
        text(
            &mut content,
            left - 8.0,
            middle + LABEL_SIZE * 0.35,
            TextStyle { size: LABEL_SIZE, fill: TEXT, anchor: "end", class: "graphique-etiquette" },
            &shown,
        );
        if value.is_finite() {
            let (start, end) = (x_of(0.0_f64.max(axis_low)), x_of(*value));
            let (x, width) = if end >= start { (start, end - start) } else { (end, start - end) };
            let _ = write!(
                content,
                r#"<rect class="graphique-rect" x="{}" y="{}" width="{}" height="{bar_height}" fill="{}"/>"#,
                coordinate(x),
                coordinate(middle - bar_height / 2.0),
                coordinate(width.max(1.0)),
                PALETTE[0]
            );
            let (value_x, anchor) = if *value >= 0.0 { (x + width + 5.0, "start") } else { (x - 5.0, "end") };
            let shown_value = value_label(*value, decimals, spec.unit);
            text(
                &mut content,
                value_x,
                middle + LABEL_SIZE * 0.35,
                TextStyle { size: LABEL_SIZE, fill: TEXT, anchor, class: "graphique-valeur" },
                &shown_value,
            );
        } else {
            text(
                &mut content,
                x_of(0.0_f64.max(axis_low)) + 5.0,
                middle + LABEL_SIZE * 0.35,
                TextStyle { size: TICK_SIZE, fill: TEXT_MUTED, anchor: "start", class: "graphique-manquant" },
                "pas de donnée",
            );
        }
        content.push_str("</g>");
    }
    text(
        &mut content,
        (left + right) / 2.0,
        plot_bottom + 42.0,
        TextStyle { size: LABEL_SIZE, fill: TEXT_MUTED, anchor: "middle", class: "graphique-axe-titre" },
        &value_axis_label(spec),
    );

    let (source, height) = source_block(&[spec.source], WIDTH, plot_bottom + 52.0);
    content.push_str(&source);
    let desc = describe_categories(spec, bars, decimals, "barres");
    document(spec, KIND, "img", &desc, WIDTH, height, &content)
}

/// One row of a paired bar chart: its label and its two values (left side, right side).
pub(crate) struct PairedRow {
    pub label: String,
    pub left: f64,
    pub right: f64,
}

/// Two bar charts back to back on one scale, the labels on the left: for each row a bar growing
/// leftwards from the centre (`left_title`, first palette colour after the main one) and one
/// growing rightwards (`right_title`, the main colour), each with its value at its end. Reads
/// like a population pyramid: where one side outgrows the other shows at a glance. Missing
/// values are written « n.d. ».
pub(crate) fn paired_bar_chart(
    spec: &ChartSpec<'_>,
    left_title: &str,
    right_title: &str,
    rows: &[PairedRow],
) -> String {
    const KIND: &str = "graphique-paires";
    let values = || rows.iter().flat_map(|row| [row.left, row.right]).filter(|value| value.is_finite());
    if values().next().is_none() {
        return empty_chart(spec, KIND, &[]);
    }
    let decimals = decimals_for(values());
    let ticks = nice_ticks(0.0, values().fold(0.0, f64::max), 3, decimals == 0);
    let high = *ticks.values.last().unwrap_or(&1.0);
    let (left_colour, right_colour) = (PALETTE[1], PALETTE[0]);

    let (mut content, mut y) = title_block(spec, WIDTH);
    let label_width =
        rows.iter().map(|row| text_width(row.label.trim(), LABEL_SIZE)).fold(0.0, f64::max).min(WIDTH * 0.3);
    let widest_value = values()
        .map(|value| text_width(&value_label(value, decimals, spec.unit), TICK_SIZE))
        .fold(text_width("n.d.", TICK_SIZE), f64::max);
    let plot_left = PADDING + label_width + 10.0 + widest_value + 6.0;
    let plot_right = WIDTH - PADDING - widest_value - 6.0;
    let centre = (plot_left + plot_right) / 2.0;
    let half = (plot_right - plot_left) / 2.0 - 3.0;
    let length = |value: f64| value.max(0.0) / high * half;

    // The two sides' titles, each over its half, with its colour key next to the centre line
    // (placed without measuring the text, whose width depends on the reader's font).
    y += LABEL_SIZE;
    for (title, colour, anchor_x, anchor, key_x) in [
        (left_title, left_colour, centre - 22.0, "end", centre - 18.0),
        (right_title, right_colour, centre + 22.0, "start", centre + 6.0),
    ] {
        let _ = write!(
            content,
            r#"<rect class="graphique-cle" x="{}" y="{}" width="12" height="12" fill="{colour}"/>"#,
            coordinate(key_x),
            coordinate(y - 10.5)
        );
        text(
            &mut content,
            anchor_x,
            y,
            TextStyle { size: LABEL_SIZE, fill: TEXT, anchor, class: "graphique-axe-titre" },
            title,
        );
    }
    y += 12.0;
    let row_height = 26.0;
    let bar_height = 16.0;
    let plot_top = y;
    let plot_bottom = plot_top + row_height * rows.len() as f64;

    for value in &ticks.values {
        for x in [centre - 3.0 - length(*value), centre + 3.0 + length(*value)] {
            grid_line_vertical(&mut content, *value, x, plot_top, plot_bottom);
        }
        // Zero is written once, under the centre; the other ticks under both sides.
        let places = if *value == 0.0 {
            vec![centre]
        } else {
            vec![centre - 3.0 - length(*value), centre + 3.0 + length(*value)]
        };
        for x in places {
            text(
                &mut content,
                x,
                plot_bottom + 18.0,
                TextStyle { size: TICK_SIZE, fill: TEXT_MUTED, anchor: "middle", class: "graphique-graduation" },
                &format_number(*value, ticks.decimals),
            );
        }
    }

    for (index, row) in rows.iter().enumerate() {
        let middle = plot_top + (index as f64 + 0.5) * row_height;
        let baseline = middle + TICK_SIZE * 0.35;
        let (shown, _) = truncate(&row.label, label_width, LABEL_SIZE);
        let tooltip = format!(
            "{} : {} {}, {} {}",
            row.label.trim(),
            left_title.to_lowercase(),
            value_text(row.left, decimals, spec.unit),
            right_title.to_lowercase(),
            value_text(row.right, decimals, spec.unit)
        );
        let _ = write!(content, r#"<g class="graphique-paire"><title>{}</title>"#, escape(&tooltip));
        text(
            &mut content,
            PADDING + label_width,
            middle + LABEL_SIZE * 0.35,
            TextStyle { size: LABEL_SIZE, fill: TEXT, anchor: "end", class: "graphique-etiquette" },
            &shown,
        );
        for (value, colour, left_side) in [(row.left, left_colour, true), (row.right, right_colour, false)] {
            let width = if value.is_finite() { length(value) } else { 0.0 };
            let x = if left_side { centre - 3.0 - width } else { centre + 3.0 };
            if value.is_finite() && width > 0.0 {
                let _ = write!(
                    content,
                    r#"<rect class="graphique-rect" x="{}" y="{}" width="{}" height="{bar_height}" fill="{colour}"/>"#,
                    coordinate(x),
                    coordinate(middle - bar_height / 2.0),
                    coordinate(width.max(1.0))
                );
            }
            let (value_x, anchor) = if left_side { (x - 4.0, "end") } else { (x + width + 4.0, "start") };
            text(
                &mut content,
                value_x,
                baseline,
                TextStyle { size: TICK_SIZE, fill: TEXT, anchor, class: "graphique-valeur" },
                &if value.is_finite() { value_label(value, decimals, spec.unit) } else { "n.d.".to_owned() },
            );
        }
        content.push_str("</g>");
    }
    text(
        &mut content,
        centre,
        plot_bottom + 40.0,
        TextStyle { size: LABEL_SIZE, fill: TEXT_MUTED, anchor: "middle", class: "graphique-axe-titre" },
        &value_axis_label(spec),
    );
    let (source, height) = source_block(&[spec.source], WIDTH, plot_bottom + 50.0);
    content.push_str(&source);
    let widest = rows
        .iter()
        .filter(|row| row.left.is_finite() && row.right.is_finite())
        .max_by(|a, b| (a.left - a.right).abs().total_cmp(&(b.left - b.right).abs()));
    let desc = match widest {
        Some(row) => format!(
            "{} lignes, {} à gauche et {} à droite ; l'écart le plus grand est pour {} : {} contre {}.",
            rows.len(),
            left_title.to_lowercase(),
            right_title.to_lowercase(),
            row.label.trim(),
            value_text(row.left, decimals, spec.unit),
            value_text(row.right, decimals, spec.unit)
        ),
        None => format!(
            "{} lignes, {} à gauche et {} à droite.",
            rows.len(),
            left_title.to_lowercase(),
            right_title.to_lowercase()
        ),
    };
    document(spec, KIND, "img", &desc, WIDTH, height, &content)
}

/// One sentence saying what a bar or column chart shows: how many categories, the largest one.
fn describe_categories(spec: &ChartSpec<'_>, items: &[(String, f64)], decimals: usize, noun: &str) -> String {
    let Some((label, value)) = maximum(items.iter().map(|(label, value)| (label.trim(), *value))) else {
        return NO_DATA.to_owned();
    };
    let missing = items.iter().filter(|(_, value)| !value.is_finite()).count();
    let missing = match missing {
        0 => String::new(),
        1 => " ; une catégorie sans donnée".to_owned(),
        count => format!(" ; {count} catégories sans donnée"),
    };
    format!(
        "{} {noun} ; la plus grande valeur est {} pour {label}{missing}.",
        items.len(),
        value_text(value, decimals, spec.unit)
    )
}

/// Vertical columns (months, quarters) in the order given, with the same conventions as
/// [`bar_chart`]: round ticks from 0, x labels thinned, values written above the columns when
/// they fit.
pub(crate) fn column_chart(spec: &ChartSpec<'_>, columns: &[(String, f64)]) -> String {
    const KIND: &str = "graphique-colonnes";
    if !columns.iter().any(|(_, value)| value.is_finite()) {
        return empty_chart(spec, KIND, &[]);
    }
    let values = || columns.iter().map(|(_, value)| *value).filter(|value| value.is_finite());
    let (decimals, ticks, axis_low, axis_high) = scale_with_zero(values(), 5);

    let (mut content, y) = title_block(spec, WIDTH);
    let ValueAxis { plot_bottom, widest_tick } = value_axis(&mut content, spec, &ticks, y, 18.0);
    let left = PADDING + widest_tick + 10.0;
    let right = WIDTH - PADDING;
    let band = (right - left) / columns.len() as f64;
    let column_width = (band * 0.72).min(56.0);
    let y_of = |value: f64| plot_bottom - (value - axis_low) / (axis_high - axis_low) * PLOT_HEIGHT;
    value_grid_horizontal(&mut content, &ticks, left, right, &y_of);

    let labels: Vec<&str> = columns.iter().map(|(label, _)| label.trim()).collect();
    let step = label_step(&labels, band, TICK_SIZE);
    let widest_value =
        values().map(|value| text_width(&value_label(value, decimals, spec.unit), TICK_SIZE)).fold(0.0, f64::max);
    let show_values = widest_value + 4.0 <= band;
    let zero = y_of(0.0_f64.max(axis_low));
    for (index, (label, value)) in columns.iter().enumerate() {
        let middle = left + band * (index as f64 + 0.5);
        let tooltip = if value.is_finite() {
            format!("{} : {}", label.trim(), value_text(*value, decimals, spec.unit))
        } else {
            format!("{} : pas de donnée", label.trim())
        };
        let _ = write!(content, r#"<g class="graphique-colonne"><title>{}</title>"#, escape(&tooltip));
        if value.is_finite() {
            let top = y_of(*value);
            let (y, height) = if top <= zero { (top, zero - top) } else { (zero, top - zero) };
            let _ = write!(
                content,
                r#"<rect class="graphique-rect" x="{}" y="{}" width="{}" height="{}" fill="{}"/>"#,
                coordinate(middle - column_width / 2.0),
                coordinate(y),
                coordinate(column_width),
                coordinate(height.max(1.0)),
                PALETTE[0]
            );
            if show_values {
                let value_y = if *value >= 0.0 { y - 5.0 } else { y + height + TICK_SIZE + 2.0 };
                let shown = value_label(*value, decimals, spec.unit);
                text(
                    &mut content,
                    middle,
                    value_y,
                    TextStyle { size: TICK_SIZE, fill: TEXT, anchor: "middle", class: "graphique-valeur" },
                    &shown,
                );
            }
        }
        if index % step == 0 {
            let (shown, _) = truncate(label, band * step as f64 - 6.0, TICK_SIZE);
            text(
                &mut content,
                middle,
                plot_bottom + 18.0,
                TextStyle { size: TICK_SIZE, fill: TEXT_MUTED, anchor: "middle", class: "graphique-graduation" },
                &shown,
            );
        }
        content.push_str("</g>");
    }
    text(
        &mut content,
        (left + right) / 2.0,
        plot_bottom + 42.0,
        TextStyle { size: LABEL_SIZE, fill: TEXT_MUTED, anchor: "middle", class: "graphique-axe-titre" },
        spec.x_label.trim(),
    );
    let (source, height) = source_block(&[spec.source], WIDTH, plot_bottom + 52.0);
    content.push_str(&source);
    let desc = describe_categories(spec, columns, decimals, "colonnes");
    document(spec, KIND, "img", &desc, WIDTH, height, &content)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    pub(in crate::observatoire) const HOSTILE: &str = "</svg><script>alert('x')</script> & \"co\" \u{1}";

    pub(in crate::observatoire) fn spec(id: &'static str) -> ChartSpec<'static> {
        ChartSpec {
            id,
            title: "Offres publiées par mois",
            x_label: "Mois",
            y_label: "Offres publiées",
            unit: "offres",
            source: "Source : offres collectées par l'observatoire socle",
        }
    }

    /// Parses the SVG and checks what every chart must have: role, labelled by its title and
    /// description, a viewBox and no fixed size, no style, no script.
    pub(in crate::observatoire) fn check_document(svg: &str) -> roxmltree::Document<'_> {
        let document = roxmltree::Document::parse(svg).unwrap_or_else(|error| panic!("{error}\n{svg}"));
        let root = document.root_element();
        assert_eq!(root.tag_name().name(), "svg");
        assert!(root.attribute("viewBox").is_some());
        assert!(root.attribute("width").is_none() && root.attribute("height").is_none());
        assert!(matches!(root.attribute("role"), Some("img" | "group")));
        let labelled_by: Vec<&str> = root.attribute("aria-labelledby").expect("aria-labelledby").split(' ').collect();
        assert_eq!(labelled_by.len(), 2);
        for (id, tag) in labelled_by.iter().zip(["title", "desc"]) {
            let target = document.descendants().find(|node| node.attribute("id") == Some(id)).expect(id);
            assert_eq!(target.tag_name().name(), tag);
            assert!(!target.text().unwrap_or("").trim().is_empty(), "{tag} vide");
            assert_eq!(target.parent(), Some(root));
        }
        for node in document.descendants() {
            assert_ne!(node.tag_name().name(), "style");
            assert_ne!(node.tag_name().name(), "script");
            assert!(node.attribute("style").is_none());
        }
        assert!(!svg.contains("<script"), "{svg}");
        document
    }

    fn texts<'a>(document: &'a roxmltree::Document<'a>) -> Vec<&'a str> {
        document.descendants().filter(|node| node.is_element()).filter_map(|node| node.text()).collect()
    }

    fn desc<'a>(document: &'a roxmltree::Document<'a>) -> &'a str {
        document.descendants().find(|node| node.has_tag_name("desc")).and_then(|node| node.text()).unwrap_or("")
    }

    fn months(values: &[f64]) -> Vec<(String, f64)> {
        values.iter().enumerate().map(|(index, value)| (format!("2025-{:02}", index % 12 + 1), *value)).collect()
    }

    #[test]
    fn french_number_formatting() {
        let check = |value: f64, decimals: usize, expected: &str| {
            assert_eq!(format_number(value, decimals), expected, "{value} à {decimals} décimales");
        };
        check(12345.0, 0, "12\u{202F}345");
        check(3.5, 1, "3,5");
        check(0.0, 0, "0");
        check(999.0, 0, "999");
        check(1000.0, 0, "1\u{202F}000");
        check(1234567.891, 2, "1\u{202F}234\u{202F}567,89");
        check(-1234.0, 0, "\u{2212}1\u{202F}234");
        check(-0.04, 1, "0,0");
        check(2.25, 0, "2");
        check(0.5, 2, "0,50");
        check(f64::NAN, 0, "n.d.");
        check(f64::INFINITY, 1, "n.d.");
        assert_eq!(with_unit("3,5", "%"), "3,5\u{A0}%");
        assert_eq!(value_label(1234.0, 0, "offres"), "1\u{202F}234");
        assert_eq!(value_label(42.0, 0, "€"), "42\u{A0}€");
    }

    #[test]
    fn ticks_are_round_and_cover_the_maximum() {
        for (high, whole) in [(1.0, true), (3.0, true), (7.0, true), (12.0, true), (97.0, true), (1234.0, true)]
            .into_iter()
            .chain([(0.37, false), (3.5, false), (45678.9, false), (1e9, true)])
        {
            let ticks = nice_ticks(0.0, high, 5, whole);
            assert_eq!(ticks.values[0], 0.0, "{high}");
            let last = *ticks.values.last().unwrap();
            assert!(last >= high, "{high} : {ticks:?}");
            assert!(ticks.values.len() >= 2 && ticks.values.len() <= 12, "{high} : {ticks:?}");
            let step = ticks.values[1] - ticks.values[0];
            assert!(last - step < high, "{high} : une graduation de trop {ticks:?}");
            let magnitude = 10f64.powf(step.log10().floor());
            let factor = step / magnitude;
            assert!(
                [1.0, 2.0, 2.5, 5.0].iter().any(|round| (factor - round).abs() < 1e-9),
                "{high} : pas {step} non rond"
            );
            for pair in ticks.values.windows(2) {
                assert!(((pair[1] - pair[0]) - step).abs() < 1e-9 * step.max(1.0), "{ticks:?}");
            }
            if whole {
                assert!(step >= 1.0, "{high} : {ticks:?}");
            }
        }
        assert_eq!(nice_ticks(0.0, 100.0, 5, true).values, vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        assert_eq!(nice_ticks(0.0, 0.0, 5, true).values, vec![0.0, 1.0]);
        let negative = nice_ticks(-12.0, 30.0, 5, true);
        assert!(negative.values[0] <= -12.0 && negative.values.contains(&0.0));
        assert_eq!(nice_ticks(0.0, 1.0, 4, false).decimals, 2);
    }

    #[test]
    fn titles_wrap_at_spaces_but_never_before_a_french_colon() {
        let title = "Compétences demandées et enseignées\u{A0}: les 15 écarts";
        for width in [120.0, 200.0, 260.0, 320.0] {
            let lines = wrap(title, width, 13.0, 4);
            assert!(lines.iter().all(|line| !line.starts_with(':')), "{width} : {lines:?}");
            assert_eq!(lines.join(" "), title, "{width}");
        }
        assert_eq!(wrap("un deux", 1000.0, 13.0, 2), ["un deux"]);
    }

    #[test]
    fn ids_are_sanitised() {
        assert_eq!(sanitize_id("offres-par-mois"), "offres-par-mois");
        assert_eq!(sanitize_id("Offres / Mois 2026"), "offres-mois-2026");
        assert_eq!(sanitize_id("\"><script>"), "script");
        assert_eq!(sanitize_id("Île-de-France"), "le-de-france");
        assert_eq!(sanitize_id("  "), "graphique");
        let svg = line_chart(&spec("Mon graphique <1>"), &[Series { label: "a", points: months(&[1.0, 2.0]) }]);
        assert!(svg.contains(r#"aria-labelledby="mon-graphique-1-titre mon-graphique-1-desc""#), "{svg}");
        check_document(&svg);
    }

    #[test]
    fn hostile_labels_are_escaped_and_round_trip() {
        let hostile_spec =
            ChartSpec { id: HOSTILE, title: HOSTILE, x_label: HOSTILE, y_label: HOSTILE, unit: "<b>", source: HOSTILE };
        let expected = "</svg><script>alert('x')</script> & \"co\" ";
        let bars = vec![(HOSTILE.to_owned(), 3.0), ("court".to_owned(), 1.0)];
        let series = [Series { label: HOSTILE, points: vec![(HOSTILE.to_owned(), 2.0), ("b".to_owned(), 5.0)] }];
        for svg in [
            bar_chart(&hostile_spec, &bars),
            column_chart(&hostile_spec, &bars),
            line_chart(&hostile_spec, &series),
            bar_chart(&hostile_spec, &[]),
            paired_bar_chart(
                &hostile_spec,
                HOSTILE,
                HOSTILE,
                &[PairedRow { label: HOSTILE.to_owned(), left: 2.0, right: 1.0 }],
            ),
        ] {
            let document = check_document(&svg);
            let title = document.descendants().find(|node| node.has_tag_name("title")).unwrap();
            assert_eq!(title.text().map(str::trim), Some(expected.trim_end()));
            assert!(texts(&document).iter().any(|text| text.contains("<script>")), "{svg}");
        }
    }

    #[test]
    fn empty_or_missing_data_says_so() {
        let all_missing = vec![("a".to_owned(), f64::NAN), ("b".to_owned(), f64::INFINITY)];
        for svg in [
            line_chart(&spec("vide"), &[]),
            line_chart(&spec("vide"), &[Series { label: "a", points: vec![] }]),
            line_chart(&spec("vide"), &[Series { label: "a", points: all_missing.clone() }]),
            bar_chart(&spec("vide"), &[]),
            bar_chart(&spec("vide"), &all_missing),
            column_chart(&spec("vide"), &[]),
            column_chart(&spec("vide"), &all_missing),
            paired_bar_chart(&spec("vide"), "gauche", "droite", &[]),
            paired_bar_chart(
                &spec("vide"),
                "gauche",
                "droite",
                &[PairedRow { label: "a".to_owned(), left: f64::NAN, right: f64::NAN }],
            ),
        ] {
            let document = check_document(&svg);
            assert!(texts(&document).contains(&NO_DATA), "{svg}");
            assert_eq!(desc(&document), NO_DATA);
            assert!(texts(&document).iter().any(|text| text.starts_with("Source :")));
        }
    }

    #[test]
    fn paired_bars_grow_from_the_centre_on_one_scale() {
        let rows = [
            PairedRow { label: "Apprentissage automatique".to_owned(), left: 40.0, right: 10.0 },
            PairedRow { label: "Statistique".to_owned(), left: 20.0, right: 20.0 },
            PairedRow { label: "Éthique".to_owned(), left: 0.0, right: 25.0 },
            PairedRow { label: "Sans formation connue".to_owned(), left: 5.0, right: f64::NAN },
        ];
        let svg = paired_bar_chart(&ChartSpec { unit: "%", ..spec("paires") }, "Demande", "Offre", &rows);
        let document = check_document(&svg);
        let rects: Vec<(f64, f64)> = document
            .descendants()
            .filter(|node| node.attribute("class") == Some("graphique-rect"))
            .map(|node| {
                let number = |name| node.attribute(name).unwrap().parse::<f64>().unwrap();
                (number("x"), number("width"))
            })
            .collect();
        // No bar for a zero or a missing value: 2 + 2 + 1 + 1.
        assert_eq!(rects.len(), 6, "{svg}");
        let (demand, supply) = (rects[0], rects[1]);
        // The left bar ends where the right one starts, 6 units apart, and 40 is 4 × 10.
        assert!((demand.0 + demand.1 + 6.0 - supply.0).abs() < 0.02, "{rects:?}");
        assert!((demand.1 - 4.0 * supply.1).abs() < 0.05, "{rects:?}");
        // Equal values draw equal bars.
        assert!((rects[2].1 - rects[3].1).abs() < 0.02, "{rects:?}");
        let all = texts(&document);
        assert!(all.contains(&"n.d."), "{all:?}");
        assert!(all.contains(&"Apprentissage automatique"));
        assert_eq!(
            desc(&document),
            "4 lignes, demande à gauche et offre à droite ; l'écart le plus grand est pour Apprentissage \
             automatique : 40\u{A0}% contre 10\u{A0}%."
        );
    }

    #[test]
    fn line_chart_draws_every_point_and_breaks_at_missing_ones() {
        let points = months(&[120.0, 340.0, f64::NAN, 560.0, 12345.0, 90.0]);
        let svg = line_chart(&spec("courbe"), &[Series { label: "Offres", points }]);
        let document = check_document(&svg);
        let markers: Vec<_> =
            document.descendants().filter(|node| node.attribute("class") == Some("graphique-point")).collect();
        assert_eq!(markers.len(), 5);
        let line = document.descendants().find(|node| node.attribute("class") == Some("graphique-ligne")).unwrap();
        assert_eq!(line.attribute("d").unwrap().matches('M').count(), 2, "la courbe s'interrompt au point manquant");
        let tooltips: Vec<&str> = markers.iter().filter_map(|node| node.first_element_child()?.text()).collect();
        assert!(tooltips.contains(&"2025-05 : 12\u{202F}345\u{A0}offres"), "{tooltips:?}");
        assert!(desc(&document).contains("maximum : 12\u{202F}345\u{A0}offres en 2025-05"), "{}", desc(&document));
        let all = texts(&document);
        for expected in ["Mois", "Offres publiées", "0", "12\u{202F}500"] {
            assert!(all.contains(&expected), "{expected} absent de {all:?}");
        }
    }

    #[test]
    fn many_x_labels_are_thinned_so_they_never_overlap() {
        let points = months(&(0..48).map(f64::from).collect::<Vec<_>>());
        let points: Vec<(String, f64)> = points
            .into_iter()
            .enumerate()
            .map(|(index, (_, value))| (format!("{}-{:02}", 2022 + index / 12, index % 12 + 1), value))
            .collect();
        let two = [Series { label: "Offres", points: points.clone() }, Series { label: "Stages", points }];
        for svg in [line_chart(&spec("fines"), &two), column_chart(&spec("fines"), &two[0].points)] {
            let document = check_document(&svg);
            let mut placed: Vec<(f64, f64)> = document
                .descendants()
                .filter(|node| {
                    node.attribute("class") == Some("graphique-graduation")
                        && node.attribute("text-anchor") == Some("middle")
                })
                .filter(|node| node.text().is_some_and(|text| text.starts_with("20")))
                .map(|node| {
                    let x: f64 = node.attribute("x").unwrap().parse().unwrap();
                    let half = text_width(node.text().unwrap(), TICK_SIZE) / 2.0;
                    (x - half, x + half)
                })
                .collect();
            placed.sort_by(|a, b| a.0.total_cmp(&b.0));
            assert!(placed.len() >= 4 && placed.len() < 48, "{}", placed.len());
            for pair in placed.windows(2) {
                assert!(pair[0].1 <= pair[1].0, "étiquettes qui se chevauchent : {pair:?}");
            }
        }
    }

    #[test]
    fn several_series_get_a_legend_and_distinct_colours() {
        let series = [
            Series { label: "Île-de-France", points: months(&[10.0, 20.0, 30.0]) },
            Series { label: "Occitanie", points: months(&[5.0, 8.0, 35.0]) },
        ];
        let svg = line_chart(&spec("legende"), &series);
        let document = check_document(&svg);
        assert_eq!(
            document.descendants().filter(|node| node.attribute("class") == Some("graphique-legende")).count(),
            2
        );
        let colours: Vec<&str> = document
            .descendants()
            .filter(|node| node.attribute("class") == Some("graphique-ligne"))
            .filter_map(|node| node.attribute("stroke"))
            .collect();
        assert_eq!(colours, vec![PALETTE[0], PALETTE[1]]);
        assert!(desc(&document).contains("35\u{A0}offres (Occitanie, 2025-03)"), "{}", desc(&document));
    }

    #[test]
    fn bars_keep_their_order_and_truncate_long_labels() {
        let long = "Conservatoire national des arts et métiers — centre régional associé de Nouvelle-Aquitaine";
        let bars = vec![("Bretagne".to_owned(), 12.5), (long.to_owned(), 30.0), ("Corse".to_owned(), f64::NAN)];
        let svg = bar_chart(&ChartSpec { unit: "%", ..spec("barres") }, &bars);
        let document = check_document(&svg);
        let rows: Vec<_> =
            document.descendants().filter(|node| node.attribute("class") == Some("graphique-barre")).collect();
        assert_eq!(rows.len(), 3);
        let tooltips: Vec<&str> = rows.iter().filter_map(|row| row.first_element_child()?.text()).collect();
        assert_eq!(tooltips, vec!["Bretagne : 12,5\u{A0}%", &format!("{long} : 30,0\u{A0}%"), "Corse : pas de donnée"]);
        let shown: Vec<&str> = document
            .descendants()
            .filter(|node| node.attribute("class") == Some("graphique-etiquette"))
            .filter_map(|node| node.text())
            .collect();
        assert_eq!(shown[0], "Bretagne");
        assert!(shown[1].ends_with('…') && shown[1].len() < long.len(), "{}", shown[1]);
        let values: Vec<&str> = document
            .descendants()
            .filter(|node| node.attribute("class") == Some("graphique-valeur"))
            .filter_map(|node| node.text())
            .collect();
        assert_eq!(values, vec!["12,5\u{A0}%", "30,0\u{A0}%"]);
        let widths: Vec<f64> = document
            .descendants()
            .filter(|node| node.attribute("class") == Some("graphique-rect"))
            .map(|node| node.attribute("width").unwrap().parse().unwrap())
            .collect();
        assert!((widths[1] / widths[0] - 30.0 / 12.5).abs() < 0.01, "{widths:?}");
        assert!(desc(&document).contains("30,0\u{A0}% pour Conservatoire"), "{}", desc(&document));
    }

    #[test]
    fn columns_start_at_zero_and_write_values_when_they_fit() {
        let columns = vec![("T1 2026".to_owned(), 40.0), ("T2 2026".to_owned(), 55.0), ("T3 2026".to_owned(), 0.0)];
        let svg = column_chart(&spec("colonnes"), &columns);
        let document = check_document(&svg);
        let rects: Vec<_> =
            document.descendants().filter(|node| node.attribute("class") == Some("graphique-rect")).collect();
        assert_eq!(rects.len(), 3);
        let bottom = |node: &roxmltree::Node<'_, '_>| {
            node.attribute("y").unwrap().parse::<f64>().unwrap()
                + node.attribute("height").unwrap().parse::<f64>().unwrap()
        };
        assert!((bottom(&rects[0]) - bottom(&rects[1])).abs() < 0.01);
        let values: Vec<&str> = document
            .descendants()
            .filter(|node| node.attribute("class") == Some("graphique-valeur"))
            .filter_map(|node| node.text())
            .collect();
        assert_eq!(values, vec!["40", "55", "0"]);
    }

    /// WCAG relative luminance of a `#rrggbb` colour.
    pub(in crate::observatoire) fn contrast_with_white(colour: &str) -> f64 {
        let channel = |index: usize| {
            let value = f64::from(u8::from_str_radix(&colour[1 + 2 * index..3 + 2 * index], 16).unwrap()) / 255.0;
            if value <= 0.04045 { value / 12.92 } else { ((value + 0.055) / 1.055).powf(2.4) }
        };
        let luminance = 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
        1.05 / (luminance + 0.05)
    }

    #[test]
    fn colours_meet_wcag_aa_on_white() {
        for colour in PALETTE.iter().chain([&TEXT, &TEXT_MUTED]) {
            assert!(contrast_with_white(colour) >= 4.5, "{colour} : {}", contrast_with_white(colour));
        }
        assert!(contrast_with_white(AXIS) >= 3.0);
        assert!(contrast_with_white("#767676") >= 4.5 && contrast_with_white("#777777") < 4.5, "formule WCAG");
    }

    #[test]
    fn long_titles_wrap_and_text_is_cut_with_an_ellipsis() {
        let lines = wrap(
            "Un titre très long qui ne tient pas sur une seule ligne de ce graphique pourtant large",
            300.0,
            17.0,
            2,
        );
        assert_eq!(lines.len(), 2);
        assert!(lines.iter().all(|line| text_width(line, 17.0) <= 300.0));
        assert_eq!(truncate("court", 100.0, 12.0), ("court".to_owned(), false));
        let (cut, was_cut) = truncate("une étiquette beaucoup trop longue", 80.0, 12.0);
        assert!(was_cut && cut.ends_with('…') && text_width(&cut, 12.0) <= 80.0, "{cut}");
    }
}
