mod clone_template;
mod delete_template;
mod get_template;
mod list_templates;
mod update_template;

pub use clone_template::*;
pub use delete_template::*;
pub use get_template::*;
pub use list_templates::*;
pub use update_template::*;
