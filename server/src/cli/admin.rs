use std::io::{BufRead, IsTerminal};

use anyhow::Context;
use clap::Subcommand;
use domain::users::NewUser;
use secrecy::SecretString;
use vocab::Role;

use crate::config::Config;
use crate::startup::prepare;

#[derive(Subcommand, Debug)]
pub enum AdminAction {
    /// Create an admin. The password is asked for, or read from standard input.
    Create {
        #[arg(long)]
        email: String,
        /// Shown in the UI; defaults to the part of the email before the @.
        #[arg(long)]
        name: Option<String>,
    },
}

pub async fn run(config: &Config, action: AdminAction) -> anyhow::Result<()> {
    match action {
        AdminAction::Create { email, name } => {
            let password = read_password()?;
            let services = prepare(config).await?;
            let display_name = name.unwrap_or_else(|| email.split('@').next().unwrap_or_default().to_owned());
            let user = services
                .users
                .create_by_operator(NewUser {
                    email,
                    display_name,
                    password,
                    role: Role::Admin,
                })
                .await?;
            println!("created admin {}", user.email);
            Ok(())
        }
    }
}

fn read_password() -> anyhow::Result<SecretString> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ").context("cannot read the password")?;
        let again =
            rpassword::prompt_password("Repeat the password: ").context("cannot read the password")?;
        anyhow::ensure!(first == again, "the two passwords differ");
        return Ok(SecretString::from(first));
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("cannot read the password from standard input")?;
    Ok(SecretString::from(line.trim_end_matches(['\r', '\n']).to_owned()))
}
