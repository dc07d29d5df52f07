//! Pieces the pages share.

mod after_save;
mod browser;
mod charts;
mod confirm_button;
mod copy_button;
mod credential_fields;
mod form_error;
mod list;
mod moment;
mod nav;
mod page_result;
mod pager;
mod probe_result;
mod row_menu;
mod status_badge;
mod status_pages;
mod theme;
mod url_param;

pub use after_save::{after_save, saves, SavedNotice};
pub use browser::read_chosen_file;
pub use charts::{BarChart, BarGroup, LineChart, LineSeries};
pub use confirm_button::ConfirmButton;
pub use copy_button::CopyButton;
pub use credential_fields::CredentialFields;
pub use form_error::{FieldError, FormError};
pub use list::{
    page_size, EmptyList, ListOrder, ListView, PageSizeChoice, SearchBox, SortHeader, PAGE_SIZES, PER_PAGE,
};
pub use moment::{relative, Moment};
pub use nav::NavBar;
pub use page_result::{admin_only, page_result, signed_in};
pub use pager::Pager;
pub use probe_result::ProbeResult;
pub use row_menu::RowMenu;
pub use status_badge::{Clipped, StatusBadge, Tone};
pub use status_pages::{Forbidden, NotFound};
pub use theme::{chosen_theme, ThemeToggle};
pub use url_param::{encode_query_value, url_param, url_param_among, UrlParam};
