//! Pieces the pages share.

mod form_error;
mod nav;
mod page_result;
mod status_pages;

pub use form_error::{FieldError, FormError};
pub use nav::NavBar;
pub use page_result::{page_result, signed_in};
pub use status_pages::{Forbidden, NotFound};
