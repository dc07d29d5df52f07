use leptos::prelude::*;
use vocab::Role;

use crate::dto::UserDto;
use crate::AppError;

#[server(prefix = "/rpc")]
pub async fn create_user(
    email: String,
    display_name: String,
    password: String,
    role: Role,
) -> Result<UserDto, AppError> {
    use domain::users::NewUser;
    let admin = crate::ssr::require_admin().await?;
    let new = NewUser {
        email,
        display_name,
        password: secrecy::SecretString::from(password),
        role,
    };
    let row = crate::ssr::services()?.users.create(&admin, new).await?;
    Ok(row.into())
}
