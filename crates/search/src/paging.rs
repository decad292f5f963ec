//! Paging limits shared by both indexes: how many hits one page may hold and how deep a page
//! may start.

use crate::Error;

/// Most hits on one page.
pub const MAX_LIMIT: usize = 100;
/// Deepest page start: beyond it a user should refine the search (the observatory's exports do
/// not page, they stream every hit).
pub const MAX_OFFSET: usize = 10_000;
/// Hits per page when the query does not say.
pub const DEFAULT_LIMIT: usize = 20;

/// Refuses a page larger than [`MAX_LIMIT`] or starting beyond [`MAX_OFFSET`], in French.
pub(crate) fn check(offset: usize, limit: usize) -> Result<(), Error> {
    if limit > MAX_LIMIT {
        return Err(Error::InvalidQuery(format!("{limit} résultats par page demandés : au plus {MAX_LIMIT}")));
    }
    if offset > MAX_OFFSET {
        return Err(Error::InvalidQuery(format!(
            "page commençant au résultat {offset} : au plus {MAX_OFFSET}, précisez plutôt la recherche"
        )));
    }
    Ok(())
}
