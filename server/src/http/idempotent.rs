//! `Idempotency-Key` on REST writes: guard (who asks, which request), one domain call
//! (claim, then keep or release the answer), conversion. The rule lives in
//! `domain::idempotency`.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use domain::error::DomainError;
use domain::idempotency::{digest, Answer, Claim, Idempotency, HEADER};
use http::{header, HeaderValue, Method};

use super::ApiError;

/// Set on an answer sent again for a retried key.
const REPLAYED: &str = "idempotent-replayed";

/// The headers that say who is asking; a request with none of them (anonymous) is not
/// kept: there is nobody to give the answer back to.
const CALLER_HEADERS: [header::HeaderName; 3] = [
    header::AUTHORIZATION,
    header::HeaderName::from_static("x-api-key"),
    header::COOKIE,
];

pub async fn kept_answers(State(kept): State<Idempotency>, request: Request, next: Next) -> Response {
    let Some(key) = request.headers().get(HEADER).cloned() else {
        return next.run(request).await;
    };
    // Sign-in and sign-out answer with cookies, which are never kept.
    if request.method() != Method::POST || request.uri().path().starts_with("/api/auth/") {
        return next.run(request).await;
    }
    let who: Vec<&[u8]> = CALLER_HEADERS
        .iter()
        .map(|name| request.headers().get(name).map_or(&[][..], HeaderValue::as_bytes))
        .collect();
    if who.iter().all(|part| part.is_empty()) {
        return next.run(request).await;
    }
    let caller = digest(&who);
    let Ok(key) = key.to_str().map(str::to_owned) else {
        return refusal(DomainError::validation(
            HEADER,
            "must be visible ASCII characters",
        ));
    };
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return http::StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let path = parts.uri.path_and_query().map_or("", |p| p.as_str());
    let fingerprint = digest(&[parts.method.as_str().as_bytes(), path.as_bytes(), &bytes]);
    match kept.claim(&caller, &key, &fingerprint).await {
        Err(err) => refusal(err),
        Ok(Claim::Replay(answer)) => replay(answer),
        Ok(Claim::InFlight) => refusal(DomainError::conflict(
            HEADER,
            "a request with this key is still being answered; retry in a moment",
        )),
        Ok(Claim::Reused) => refusal(DomainError::conflict(
            HEADER,
            "this key was used for a different request; send a new key",
        )),
        Ok(Claim::Fresh) => {
            let response = next.run(Request::from_parts(parts, Body::from(bytes))).await;
            keep(&kept, &caller, &key, response).await
        }
    }
}

fn refusal(err: DomainError) -> Response {
    ApiError::from(err).into_response()
}

fn replay(answer: Answer) -> Response {
    let mut response = Response::new(Body::from(answer.body));
    *response.status_mut() = http::StatusCode::from_u16(answer.status).unwrap_or(http::StatusCode::OK);
    if let Some(value) = answer.content_type.and_then(|t| HeaderValue::from_str(&t).ok()) {
        response.headers_mut().insert(header::CONTENT_TYPE, value);
    }
    response
        .headers_mut()
        .insert(REPLAYED, HeaderValue::from_static("true"));
    response
}

/// Keeps a first answer for retries; a server error is released instead, so a retry
/// runs again (nothing was done, or it is safe to try).
async fn keep(kept: &Idempotency, caller: &str, key: &str, response: Response) -> Response {
    if response.status().is_server_error() {
        if let Err(err) = kept.release(caller, key).await {
            tracing::warn!(%err, "an idempotency key could not be released");
        }
        return response;
    }
    let (parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return http::StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let answer = Answer {
        status: parts.status.as_u16(),
        content_type: parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        body: bytes.to_vec(),
    };
    if let Err(err) = kept.complete(caller, key, &answer).await {
        tracing::warn!(%err, "an answer could not be kept for its idempotency key");
    }
    Response::from_parts(parts, Body::from(answer.body))
}
