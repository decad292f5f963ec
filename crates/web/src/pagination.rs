//! Numbered pagination of the result lists (programmes search, observatory search): how many
//! pages the index lets a reader reach, which page numbers are shown around the current one,
//! and their links. The template `pagination.html` draws it.

/// A numbered link of the pagination.
pub(crate) struct PageLink {
    pub(crate) number: usize,
    pub(crate) href: String,
    pub(crate) current: bool,
}

/// The pagination of one result page.
pub(crate) struct Pagination {
    /// Pages reachable (at least 1).
    pub(crate) page_count: usize,
    /// The first page, the last one, and two on each side of the current one.
    pub(crate) pages: Vec<PageLink>,
    pub(crate) previous: Option<String>,
    pub(crate) next: Option<String>,
}

/// Pages of `per_page` results over `total` results, at least 1, and no further than the page
/// that starts at `max_offset` (the deepest offset the index answers).
pub(crate) fn page_count(total: u64, per_page: usize, max_offset: usize) -> usize {
    let per_page = per_page.max(1);
    (total as usize).div_ceil(per_page).max(1).min(max_offset / per_page + 1)
}

impl Pagination {
    /// The links of `page` among `page_count` pages; `href` writes the address of a page.
    pub(crate) fn new(page: usize, page_count: usize, href: impl Fn(usize) -> String) -> Pagination {
        let mut numbers: Vec<usize> = vec![1];
        numbers.extend(page.saturating_sub(2).max(1)..=(page + 2).min(page_count));
        numbers.push(page_count);
        numbers.sort_unstable();
        numbers.dedup();
        Pagination {
            page_count,
            pages: numbers
                .into_iter()
                .map(|number| PageLink { number, href: href(number), current: number == page })
                .collect(),
            previous: (page > 1).then(|| href(page - 1)),
            next: (page < page_count).then(|| href(page + 1)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_keeps_first_last_and_two_around_the_current_page() {
        let pagination = Pagination::new(7, 20, |n| format!("?page={n}"));
        let numbers: Vec<usize> = pagination.pages.iter().map(|link| link.number).collect();
        assert_eq!(numbers, [1, 5, 6, 7, 8, 9, 20]);
        assert!(pagination.pages.iter().filter(|link| link.current).all(|link| link.number == 7));
        assert_eq!(pagination.previous.as_deref(), Some("?page=6"));
        assert_eq!(pagination.next.as_deref(), Some("?page=8"));
        let single = Pagination::new(1, 1, |n| format!("?page={n}"));
        assert_eq!(single.pages.len(), 1);
        assert!(single.previous.is_none() && single.next.is_none());
    }

    #[test]
    fn page_count_stops_at_the_deepest_offset() {
        assert_eq!(page_count(0, 20, 10_000), 1);
        assert_eq!(page_count(41, 20, 10_000), 3);
        assert_eq!(page_count(1_000_000, 20, 10_000), 501);
        assert_eq!(page_count(1_000_000, 30, 10_000), 334);
    }
}
