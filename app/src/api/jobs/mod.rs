//! The Jobs page: the scheduler's jobs and "Run now".

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use vocab::Job;

use crate::dto::JobDto;
use crate::AppError;

#[server(prefix = "/rpc", input = GetUrl)]
pub async fn list_jobs() -> Result<Vec<JobDto>, AppError> {
    let admin = crate::ssr::require_admin().await?;
    let jobs = crate::ssr::services()?.scheduler.list(&admin).await?;
    Ok(jobs.into_iter().map(JobDto::from).collect())
}

#[server(prefix = "/rpc")]
pub async fn run_job_now(job: Job) -> Result<(), AppError> {
    let admin = crate::ssr::require_admin().await?;
    Ok(crate::ssr::services()?.scheduler.run_now(&admin, job).await?)
}
