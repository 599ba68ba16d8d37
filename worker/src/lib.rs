//! Tanfang worker: the HTTP API (`/api/*`) over D1, next to the app's static files.
//!
//! Design decisions:
//! - One route table ([`route`]) maps method + path to thin handlers in [`handlers`]; every
//!   handler returns `Result<Response, AppError>` and [`error::AppError::into_response`] is the
//!   only place that chooses status codes and the error JSON shape
//!   `{"error":{"code","message","field"}}`.
//! - Storage goes through [`store::Db`], which batches statements so each request makes a
//!   bounded number of D1 round trips (reported in `x-d1-round-trips`).
//! - Privacy is enforced here, not in the app: volunteers only ever receive
//!   [`tanfang_domain::sync::VolunteerElderView`]s built from columns that exclude ID numbers,
//!   certificate numbers and income (those live in the `sensitive` column, never selected for
//!   them); coordinators see a masked ID number unless they `reveal` it, which is audited.
//! - Business rules (validation, classification, schedules, monthly rate, merge) come from the
//!   shared `tanfang-domain` crate so the phone and the server agree.

pub mod auth;
pub mod context;
pub mod crypto;
pub mod due_state;
pub mod error;
pub mod evidence;
pub mod handlers;
pub mod http;
pub mod notify;
pub mod registry;
pub mod seed;
pub mod store;
pub mod tally;
pub mod views;

use context::Ctx;
use error::{AppError, AppResult};
use handlers::{
    admin, auth as auth_handlers, care, dev, elders, groups, sessions, setup, sms, sync,
};
use worker::{event, Context, Env, Method, Request, Response, ScheduleContext, ScheduledEvent};

#[event(fetch)]
async fn fetch(req: Request, env: Env, worker_context: Context) -> worker::Result<Response> {
    let database = match env.d1("DB") {
        Ok(database) => database,
        Err(error) => {
            return Ok(AppError::Internal(format!("no D1 binding: {error}")).into_response())
        }
    };
    // Sign-in codes are delivered after the answer is sent (for every request, so neither the
    // answer nor its timing says whether a code went out: handlers::sms).
    let sends_code = req.method() == Method::Post
        && matches!(
            req.path().as_str(),
            "/api/auth/sms/request" | "/api/auth/login" | "/api/auth/second-factor"
        );
    let env_after = sends_code.then(|| env.clone());
    let ctx = Ctx {
        db: store::Db::new(database),
        ip: http::client_ip(&req),
        now_ms: worker::Date::now().as_millis() as i64,
        env,
    };
    let mut response = route(req, &ctx)
        .await
        .unwrap_or_else(AppError::into_response);
    if let Some(env) = env_after {
        worker_context.wait_until(deliver_after_answer(env));
    }
    let headers = response.headers_mut();
    let _ = headers.set("x-d1-round-trips", &ctx.db.round_trips().to_string());
    let _ = headers.set("x-d1-statements", &ctx.db.statements().to_string());
    let _ = headers.set("x-d1-ms", &ctx.db.waited_ms().to_string());
    Ok(response)
}

/// The cron trigger (`[triggers]` in `wrangler.toml`, every minute): sends the SMS messages
/// that are due — new ones and retries after their back-off — through the configured channel,
/// so emergency contacts hear of a device alert without anyone pressing a button. Locally,
/// `wrangler dev --test-scheduled` runs it on `GET /__scheduled` (the tests do).
#[event(scheduled)]
async fn scheduled(_event: ScheduledEvent, env: Env, _schedule: ScheduleContext) {
    let database = match env.d1("DB") {
        Ok(database) => database,
        Err(error) => {
            worker::console_error!("scheduled: no D1 binding: {error}");
            return;
        }
    };
    let ctx = Ctx {
        db: store::Db::new(database),
        ip: "cron".into(),
        now_ms: worker::Date::now().as_millis() as i64,
        env,
    };
    match care::deliver_through_configured_channel(&ctx, ctx.now_ms).await {
        Ok((sent, retrying, failed)) => {
            if sent + retrying + failed > 0 {
                worker::console_log!(
                    "scheduled: SMS sent {sent}, retrying {retrying}, failed {failed}"
                );
            }
        }
        Err(error) => worker::console_error!("scheduled: SMS delivery failed: {error:?}"),
    }
    // The escalation ladder (issue 15): each scope once a day, a few scopes a minute.
    match handlers::escalation::scheduled(&ctx).await {
        Ok(outcome) => {
            if outcome.scopes > 0 {
                worker::console_log!("scheduled: ladder pass {outcome:?}");
            }
        }
        Err(error) => worker::console_error!("scheduled: ladder pass failed: {error:?}"),
    }
}

/// Sends the SMS messages due now (after a code request's answer; see [`fetch`]).
async fn deliver_after_answer(env: Env) {
    let Ok(database) = env.d1("DB") else { return };
    let ctx = Ctx {
        db: store::Db::new(database),
        ip: "after-answer".into(),
        now_ms: worker::Date::now().as_millis() as i64,
        env,
    };
    if let Err(error) = care::deliver_through_configured_channel(&ctx, ctx.now_ms).await {
        worker::console_error!("SMS delivery after answer failed: {error:?}");
    }
}

/// The route table.
pub async fn route(req: Request, ctx: &Ctx) -> AppResult<Response> {
    let path = req.path();
    let method = req.method();
    let segments: Vec<&str> = path
        .trim_start_matches('/')
        .trim_end_matches('/')
        .split('/')
        .collect();
    use Method::{Get, Post, Put};
    match (method, segments.as_slice()) {
        (Post, ["api", "auth", "login"]) => auth_handlers::login(req, ctx).await,
        (Post, ["api", "auth", "logout"]) => auth_handlers::logout(req, ctx).await,
        (Get, ["api", "me"]) => auth_handlers::me(req, ctx).await,
        // Sign-in by SMS code and sessions (issue 17): handlers::sms, handlers::auth.
        (Post, ["api", "auth", "sms", "request"]) => sms::request_code(req, ctx).await,
        (Post, ["api", "auth", "sms", "verify"]) => sms::verify(req, ctx).await,
        (Get, ["api", "auth", "second-factor"]) => {
            auth_handlers::second_factor_status(req, ctx).await
        }
        (Post, ["api", "auth", "second-factor"]) => {
            auth_handlers::set_second_factor(req, ctx).await
        }
        (Get, ["api", "auth", "sessions"]) => sessions::list(req, ctx).await,
        (Post, ["api", "auth", "sessions", "end-others"]) => sessions::end_others(req, ctx).await,
        (Post, ["api", "auth", "sessions", id, "end"]) => sessions::end_one(req, ctx, id).await,
        (Post, ["api", "people", id, "sessions", "end"]) => {
            sessions::end_for_person(req, ctx, id).await
        }
        (Get, ["api", "dev", "sms", "last"]) => sms::dev_last_code(req, ctx).await,
        (Post, ["api", "dev", "sms", "age"]) => sms::dev_age(req, ctx).await,
        (Post, ["api", "dev", "invites", "age"]) => handlers::invites::dev_age(req, ctx).await,

        (Post, ["api", "sync", "push"]) => sync::push(req, ctx).await,
        (Get, ["api", "sync", "pull"]) => sync::pull(req, ctx).await,

        (Get, ["api", "elders"]) => elders::list(req, ctx).await,
        (Post, ["api", "elders"]) => elders::create(req, ctx).await,
        (Get, ["api", "elders", "export"]) => elders::export(req, ctx).await,
        (Get, ["api", "elders", "index"]) => elders::index(req, ctx).await,
        (Get, ["api", "elders", id]) => elders::get(req, ctx, id).await,
        (Put, ["api", "elders", id]) => elders::update(req, ctx, id).await,
        (Post, ["api", "elders", id, "reveal"]) => elders::reveal(req, ctx, id).await,

        (Get, ["api", "regions"]) => admin::regions(req, ctx).await,
        (Get, ["api", "people"]) => admin::people(req, ctx).await,
        (Post, ["api", "people", id, "disable"]) => admin::set_disabled(req, ctx, id, true).await,
        (Post, ["api", "people", id, "enable"]) => admin::set_disabled(req, ctx, id, false).await,
        // Groups (issue 7) own /api/groups, /api/pairings, /api/invites (handlers::groups::route).
        (_, ["api", "groups" | "pairings" | "invites", ..]) => {
            groups::route(req, ctx, &segments).await
        }
        // A community's volunteer and pairing invites (issue 17): handlers::invites.
        (_, ["api", "communities", ..]) => {
            handlers::invites::route_communities(req, ctx, &segments).await
        }
        // The care loop (issue 9) owns /api/care (handlers::care::route).
        (_, ["api", "care", ..]) => care::route(req, ctx, &segments).await,
        // Roster import and official exports (issue 10): handlers::import, handlers::exports.
        (_, ["api", "import", ..]) => handlers::import::route(req, ctx, &segments).await,
        (_, ["api", "exports", ..]) => handlers::exports::route(req, ctx, &segments).await,
        // Policy versions and monthly close (issue 16): handlers::months.
        (_, ["api", "policy"] | ["api", "months", ..]) => {
            handlers::months::route(req, ctx, &segments).await
        }
        // The escalation ladder (issue 15): handlers::escalation.
        (_, ["api", "escalations", ..]) => handlers::escalation::route(req, ctx, &segments).await,
        (Post, ["api", "assignments"]) => admin::assign(req, ctx).await,
        (Get, ["api", "due"]) => admin::due(req, ctx).await,
        (Get, ["api", "stats", "monthly"]) => admin::monthly_stats(req, ctx).await,
        (Get, ["api", "surges"]) => admin::list_surges(req, ctx).await,
        (Post, ["api", "surges"]) => admin::create_surge(req, ctx).await,
        (Get, ["api", "conflicts"]) => admin::conflicts(req, ctx).await,
        (Post, ["api", "conflicts", id, "resolve"]) => admin::resolve_conflict(req, ctx, id).await,
        (Get, ["api", "audit"]) => admin::audit(req, ctx).await,

        (Post, ["api", "setup", "first-admin"]) => setup::first_admin(req, ctx).await,

        (Post, ["api", "dev", "seed"]) => dev::seed(req, ctx).await,
        (Post, ["api", "dev", "bulk"]) => dev::bulk(req, ctx).await,
        (Post, ["api", "dev", "ladder"]) => handlers::escalation::dev_ladder(req, ctx).await,
        (Post, ["api", "dev", "due", "check"]) => due_state::dev_check(req, ctx).await,

        (_, ["api", ..]) if is_known_path(&segments) => Err(AppError::MethodNotAllowed),
        (_, ["api", ..]) => Err(AppError::NotFound),
        // Everything else is the app (run_worker_first only sends /api/* here, but be safe).
        _ => {
            let assets = ctx.env.assets("ASSETS")?;
            Ok(assets.fetch_request(req).await?)
        }
    }
}

fn is_known_path(segments: &[&str]) -> bool {
    matches!(
        segments,
        ["api", "auth", "login" | "logout" | "second-factor"]
            | ["api", "auth", "sms", "request" | "verify"]
            | ["api", "auth", "sessions"]
            | ["api", "auth", "sessions", "end-others"]
            | ["api", "auth", "sessions", _, "end"]
            | ["api", "people", _, "sessions", "end"]
            | ["api", "dev", "sms", "last" | "age"]
            | ["api", "dev", "invites", "age"]
            | ["api", "me"]
            | ["api", "sync", "push" | "pull"]
            | ["api", "elders"]
            | ["api", "elders", _]
            | ["api", "elders", _, "reveal"]
            | [
                "api",
                "regions"
                    | "people"
                    | "groups"
                    | "assignments"
                    | "due"
                    | "surges"
                    | "conflicts"
                    | "audit"
            ]
            | ["api", "people", _, "disable" | "enable"]
            | ["api", "stats", "monthly"]
            | ["api", "conflicts", _, "resolve"]
            | ["api", "dev", "seed" | "bulk" | "ladder"]
            | ["api", "dev", "due", "check"]
            | ["api", "setup", "first-admin"]
    )
}
