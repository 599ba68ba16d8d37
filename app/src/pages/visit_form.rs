//! The visit form (探访关爱服务记录表): every field of the official record, big touch targets,
//! defaults "无变化". A half-filled form is kept as a draft in IndexedDB (debounced on every
//! change) and restored after a reload or crash. Saving writes the visit and its outbox entry
//! in one IndexedDB transaction and returns at once; the sync engine sends it later.

use crate::clock;
use crate::components::{ChoiceGroup, ErrorLine};
use crate::error::{AppError, AppResult};
use crate::i18n::use_i18n;
use crate::model::{Draft, StoredVisit};
use crate::store::Store;
use crate::sync::{trigger, use_sync};
use gloo::timers::callback::Timeout;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::cell::RefCell;
use std::rc::Rc;
use tanfang_domain::decimal::fixed;
use tanfang_domain::policy::VisitMode;
use tanfang_domain::visit::{
    ConfirmationMethod, IllnessStatus, Location as DomainLocation, Need, NeedCategory, Safety,
    Satisfaction, Trend, VisitRecord,
};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

const MODES: &[(&str, &str)] = &[
    ("home", "visit.mode.home"),
    ("phone", "visit.mode.phone"),
    ("video", "visit.mode.video"),
    ("encounter", "visit.mode.encounter"),
    ("other", "visit.mode.other"),
];
const FAMILY: &[(&str, &str)] = &[
    ("unchanged", "visit.family.unchanged"),
    ("increased", "visit.family.increased"),
    ("decreased", "visit.family.decreased"),
];
const LEVELS: &[(&str, &str)] = &[
    ("unchanged", "level.unchanged"),
    ("better", "level.better"),
    ("worse", "level.worse"),
];
const ILLNESS: &[(&str, &str)] = &[
    ("unchanged", "level.unchanged"),
    ("serious", "illness.serious"),
    ("improved", "illness.improved"),
];
const SAFETY: &[(&str, &str)] = &[
    ("safe", "safety.safe"),
    ("fairly_safe", "safety.fairly_safe"),
    ("unsafe", "safety.unsafe"),
];
const SATISFACTION: &[(&str, &str)] = &[
    ("very_satisfied", "satisfaction.very_satisfied"),
    ("satisfied", "satisfaction.satisfied"),
    ("neutral", "satisfaction.neutral"),
    ("dissatisfied", "satisfaction.dissatisfied"),
];

/// Longest wait for a position when saving (the visit is saved without one after this).
const SAVE_LOCATION_WAIT_MS: u32 = 1_500;
/// A position this recent (ms) is good enough when saving.
const SAVE_LOCATION_MAX_AGE_MS: u32 = 60_000;
/// localStorage key remembering that the visitor wants the location recorded on save.
const LOCATE_ON_SAVE_KEY: &str = "tanfang.locate_on_save";

fn locate_on_save_remembered() -> bool {
    web_sys::window()
        .and_then(|window| window.local_storage().ok().flatten())
        .and_then(|storage| storage.get_item(LOCATE_ON_SAVE_KEY).ok().flatten())
        .is_some_and(|value| value == "1")
}

fn remember_locate_on_save(on: bool) {
    if let Some(storage) =
        web_sys::window().and_then(|window| window.local_storage().ok().flatten())
    {
        let _ = storage.set_item(LOCATE_ON_SAVE_KEY, if on { "1" } else { "0" });
    }
}

/// A position from the browser's geolocation (only when the user allowed it).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Location {
    pub latitude: f64,
    pub longitude: f64,
    pub accuracy_m: f64,
}

/// The form as plain data: what a draft stores and what a saved visit is built from.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(default)]
pub struct FormState {
    pub date: String,
    pub mode: String,
    pub family_change: String,
    pub family_count: String,
    pub expression: String,
    pub mobility: String,
    pub illness: String,
    pub illness_name: String,
    pub mood: String,
    pub gas: String,
    pub water_heating: String,
    pub electricity: String,
    pub fire: String,
    pub personal_hygiene: String,
    pub household_hygiene: String,
    pub indoor: String,
    pub needs: String,
    pub suggestions: String,
    pub satisfaction: String,
    pub elder_confirmed: bool,
    pub location: Option<Location>,
    pub duration_minutes: String,
}

impl Default for FormState {
    fn default() -> Self {
        let unchanged = || "unchanged".to_string();
        let safe = || "safe".to_string();
        FormState {
            date: String::new(),
            mode: "home".to_string(),
            family_change: unchanged(),
            family_count: String::new(),
            expression: unchanged(),
            mobility: unchanged(),
            illness: unchanged(),
            illness_name: String::new(),
            mood: unchanged(),
            gas: safe(),
            water_heating: safe(),
            electricity: safe(),
            fire: safe(),
            personal_hygiene: unchanged(),
            household_hygiene: unchanged(),
            indoor: unchanged(),
            needs: String::new(),
            suggestions: String::new(),
            satisfaction: "satisfied".to_string(),
            elder_confirmed: false,
            location: None,
            duration_minutes: "30".to_string(),
        }
    }
}

fn invalid(field: &str, message: &str) -> AppError {
    AppError::Invalid {
        field: field.to_string(),
        message: message.to_string(),
    }
}

impl FormState {
    /// Builds the domain's visit record from the form and validates it with the domain's
    /// rules (`VisitRecord::validate`); errors name the field.
    pub fn to_record(
        &self,
        visit_id: &str,
        elder_id: &str,
        visitor_id: &str,
        device_time_ms: i64,
    ) -> AppResult<VisitRecord> {
        let date = tanfang_domain::date::parse_date(&self.date).map_err(|_| {
            invalid(
                "date 探访日期",
                "日期格式应为 YYYY-MM-DD (date as YYYY-MM-DD)",
            )
        })?;
        if date > clock::today() {
            return Err(invalid(
                "date 探访日期",
                "不能是将来的日期 (cannot be in the future)",
            ));
        }
        let mode: VisitMode = serde_json::from_value(Value::String(self.mode.clone()))
            .map_err(|_| invalid("mode 探访方式", "请选择探访方式 (choose a mode)"))?;
        let mut record = VisitRecord::new(visit_id, elder_id, visitor_id, date, mode);
        record.device_time_ms = Some(device_time_ms);
        record.family_size_change = match self.family_change.as_str() {
            "unchanged" => 0,
            change => {
                let count = self
                    .family_count
                    .trim()
                    .parse::<i32>()
                    .ok()
                    .filter(|count| *count > 0)
                    .ok_or_else(|| {
                        invalid(
                            "family_size_change 家庭人口",
                            "请填写增加或减少的人数 (how many people)",
                        )
                    })?;
                if change == "decreased" {
                    -count
                } else {
                    count
                }
            }
        };
        let trend = |text: &str| Trend::parse(text).unwrap_or_default();
        let safety = |text: &str| Safety::parse(text).unwrap_or_default();
        record.expression = trend(&self.expression);
        record.mobility = trend(&self.mobility);
        record.illness = IllnessStatus::parse(&self.illness).unwrap_or_default();
        record.illness_name = self.illness_name.trim().to_string();
        record.mood = trend(&self.mood);
        record.gas_safety = safety(&self.gas);
        record.water_heating_safety = safety(&self.water_heating);
        record.electricity_safety = safety(&self.electricity);
        record.fire_safety = safety(&self.fire);
        record.personal_hygiene = trend(&self.personal_hygiene);
        record.household_hygiene = trend(&self.household_hygiene);
        record.indoor_environment = trend(&self.indoor);
        let needs = self.needs.trim();
        if !needs.is_empty() {
            record.needs = vec![Need {
                category: NeedCategory::Other,
                text: needs.to_string(),
            }];
        }
        record.suggestions = self.suggestions.trim().to_string();
        record.satisfaction = Satisfaction::parse(&self.satisfaction);
        record.confirmation.confirmed = self.elder_confirmed;
        // The phone has no signature pad: a ticked box is the visitor noting a spoken confirmation.
        record.confirmation.method = Some(if self.elder_confirmed {
            ConfirmationMethod::Spoken
        } else {
            ConfirmationMethod::None
        });
        record.location = self.location.as_ref().map(|location| DomainLocation {
            lat: location.latitude,
            lon: location.longitude,
            accuracy_m: location.accuracy_m,
        });
        let minutes = self
            .duration_minutes
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|minutes| (1..=24 * 60).contains(minutes))
            .ok_or_else(|| {
                invalid(
                    "duration_minutes 用时",
                    "请填写 1–1440 分钟 (1–1440 minutes)",
                )
            })?;
        record.duration_minutes = Some(minutes);
        record.validate().map_err(|errors| {
            let first = errors.into_iter().next();
            match first {
                Some(error) => invalid(&error.field, &error.message),
                None => invalid("visit", "无效 (invalid)"),
            }
        })?;
        Ok(record)
    }
}

/// One signal per field so that each control re-renders alone.
#[derive(Clone, Copy)]
struct FormSignals {
    date: RwSignal<String>,
    mode: RwSignal<String>,
    family_change: RwSignal<String>,
    family_count: RwSignal<String>,
    expression: RwSignal<String>,
    mobility: RwSignal<String>,
    illness: RwSignal<String>,
    illness_name: RwSignal<String>,
    mood: RwSignal<String>,
    gas: RwSignal<String>,
    water_heating: RwSignal<String>,
    electricity: RwSignal<String>,
    fire: RwSignal<String>,
    personal_hygiene: RwSignal<String>,
    household_hygiene: RwSignal<String>,
    indoor: RwSignal<String>,
    needs: RwSignal<String>,
    suggestions: RwSignal<String>,
    satisfaction: RwSignal<String>,
    elder_confirmed: RwSignal<bool>,
    location: RwSignal<Option<Location>>,
    duration_minutes: RwSignal<String>,
}

impl FormSignals {
    fn new(state: FormState) -> Self {
        FormSignals {
            date: RwSignal::new(state.date),
            mode: RwSignal::new(state.mode),
            family_change: RwSignal::new(state.family_change),
            family_count: RwSignal::new(state.family_count),
            expression: RwSignal::new(state.expression),
            mobility: RwSignal::new(state.mobility),
            illness: RwSignal::new(state.illness),
            illness_name: RwSignal::new(state.illness_name),
            mood: RwSignal::new(state.mood),
            gas: RwSignal::new(state.gas),
            water_heating: RwSignal::new(state.water_heating),
            electricity: RwSignal::new(state.electricity),
            fire: RwSignal::new(state.fire),
            personal_hygiene: RwSignal::new(state.personal_hygiene),
            household_hygiene: RwSignal::new(state.household_hygiene),
            indoor: RwSignal::new(state.indoor),
            needs: RwSignal::new(state.needs),
            suggestions: RwSignal::new(state.suggestions),
            satisfaction: RwSignal::new(state.satisfaction),
            elder_confirmed: RwSignal::new(state.elder_confirmed),
            location: RwSignal::new(state.location),
            duration_minutes: RwSignal::new(state.duration_minutes),
        }
    }

    /// Reads every field (tracked: an Effect calling this re-runs on any change).
    fn state(&self) -> FormState {
        FormState {
            date: self.date.get(),
            mode: self.mode.get(),
            family_change: self.family_change.get(),
            family_count: self.family_count.get(),
            expression: self.expression.get(),
            mobility: self.mobility.get(),
            illness: self.illness.get(),
            illness_name: self.illness_name.get(),
            mood: self.mood.get(),
            gas: self.gas.get(),
            water_heating: self.water_heating.get(),
            electricity: self.electricity.get(),
            fire: self.fire.get(),
            personal_hygiene: self.personal_hygiene.get(),
            household_hygiene: self.household_hygiene.get(),
            indoor: self.indoor.get(),
            needs: self.needs.get(),
            suggestions: self.suggestions.get(),
            satisfaction: self.satisfaction.get(),
            elder_confirmed: self.elder_confirmed.get(),
            location: self.location.get(),
            duration_minutes: self.duration_minutes.get(),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
struct Loaded {
    elder_id: String,
    elder_name: String,
    required_home: bool,
    state: FormState,
    restored: bool,
}

async fn load_form(elder_id: String) -> AppResult<Loaded> {
    let store = Store::default();
    let elder = store
        .elder(&elder_id)
        .await?
        .ok_or_else(|| AppError::NotFound(elder_id.clone()))?;
    let required_home = elder
        .view
        .requirements
        .iter()
        .any(|requirement| requirement.get("mode").and_then(Value::as_str) == Some("home"));
    let draft = store.draft(&elder_id).await?;
    let (state, restored) =
        match draft.and_then(|draft| serde_json::from_value::<FormState>(draft.form).ok()) {
            Some(state) => (state, true),
            None => {
                let mut state = FormState {
                    date: clock::today().to_string(),
                    ..FormState::default()
                };
                if !required_home {
                    state.mode = "phone".to_string();
                }
                (state, false)
            }
        };
    Ok(Loaded {
        elder_id,
        elder_name: elder.view.name,
        required_home,
        state,
        restored,
    })
}

#[component]
pub fn VisitFormPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let elder_id = params.with_untracked(|params| params.get("id").unwrap_or_default());
    let loaded = LocalResource::new(move || load_form(elder_id.clone()));
    view! {
        <section class="visit-form" data-testid="visit-form">
            <Suspense fallback=move || view! { <p class="loading">{i18n.tr("app.loading")}</p> }>
                {move || {
                    loaded.get().map(|result| result.map(|loaded| view! { <Form loaded=loaded /> }))
                }}
            </Suspense>
        </section>
    }
}

#[component]
fn Form(loaded: Loaded) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let navigate = use_navigate();
    let form = FormSignals::new(loaded.state.clone());
    let error = RwSignal::new(None::<AppError>);
    let saving = RwSignal::new(false);
    let restored = RwSignal::new(loaded.restored);
    let location_failed = RwSignal::new(false);
    // Ask for the position on save only when the visitor ticked it (remembered on this phone).
    let locate_on_save = RwSignal::new(locate_on_save_remembered());
    let locating = RwSignal::new(false);
    let elder_id = loaded.elder_id.clone();
    let back_href = format!("/elder/{}", elder_id);

    // Draft autosave: debounced 300 ms after the last change; skipped once the visit is saved.
    let pending_save: Rc<RefCell<Option<Timeout>>> = Rc::new(RefCell::new(None));
    let initial = loaded.state.clone();
    Effect::new({
        let elder_id = elder_id.clone();
        let pending_save = pending_save.clone();
        move |_| {
            let state = form.state();
            if state == initial || saving.get_untracked() {
                return;
            }
            let elder_id = elder_id.clone();
            let timeout = Timeout::new(300, move || {
                if saving.get_untracked() {
                    return;
                }
                spawn_local(async move {
                    let draft = Draft {
                        elder_id,
                        form: serde_json::to_value(&state).unwrap_or_default(),
                        updated_at: clock::now_rfc3339(),
                    };
                    if let Err(failure) = Store::default().save_draft(&draft).await {
                        error.set(Some(failure));
                    }
                });
            });
            *pending_save.borrow_mut() = Some(timeout);
        }
    });

    let save: Rc<dyn Fn()> = Rc::new({
        let elder_id = elder_id.clone();
        let pending_save = pending_save.clone();
        let navigate = navigate.clone();
        move || {
            if saving.get_untracked() {
                return;
            }
            let Some(session) = sync.session.get_untracked() else {
                return;
            };
            let state = form.state();
            let visit_id = clock::new_id("v");
            let record = match state
                .to_record(
                    &visit_id,
                    &elder_id,
                    &session.user_id,
                    js_sys::Date::now() as i64,
                )
                .and_then(|record| {
                    serde_json::to_value(&record)
                        .map_err(|error| invalid("visit", &error.to_string()))
                }) {
                Ok(record) => record,
                Err(failure) => {
                    error.set(Some(failure));
                    return;
                }
            };
            let Some(visit) = StoredVisit::from_record(record, false) else {
                return;
            };
            saving.set(true);
            pending_save.borrow_mut().take();
            error.set(None);
            let navigate = navigate.clone();
            let elder_id = elder_id.clone();
            spawn_local(async move {
                match Store::default().save_visit(&visit).await {
                    Ok(_) => {
                        // The visit, its outbox entry and the draft removal have committed.
                        crate::clock::performance_mark("tanfang:visit-saved");
                        sync.refresh_counts().await;
                        sync.bump();
                        trigger(sync);
                        navigate(&format!("/elder/{elder_id}?saved=1"), Default::default());
                    }
                    Err(failure) => {
                        saving.set(false);
                        error.set(Some(failure));
                    }
                }
            });
        }
    });

    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if saving.get_untracked() || locating.get_untracked() {
            return;
        }
        if locate_on_save.get_untracked() && form.location.get_untracked().is_none() {
            // Never more than a moment: the visit is saved with or without a position.
            locating.set(true);
            let save = save.clone();
            request_position(
                SAVE_LOCATION_MAX_AGE_MS,
                SAVE_LOCATION_WAIT_MS,
                move |position| {
                    if position.is_some() {
                        form.location.set(position);
                    }
                    locating.set(false);
                    save();
                },
            );
        } else {
            save();
        }
    };

    let discard = {
        let elder_id = elder_id.clone();
        let navigate = navigate.clone();
        move |_| {
            let elder_id = elder_id.clone();
            let navigate = navigate.clone();
            saving.set(true);
            spawn_local(async move {
                let _ = Store::default().delete_draft(&elder_id).await;
                navigate(&format!("/elder/{elder_id}"), Default::default());
            });
        }
    };

    let locate = move |_| {
        location_failed.set(false);
        request_location(form.location, location_failed);
    };

    let family_changed = move || form.family_change.get() != "unchanged";
    let illness_serious = move || form.illness.get() == "serious";

    view! {
        <A href=back_href attr:class="back-link">{move || format!("‹ {}", i18n.t("nav.back"))}</A>
        <h2>{i18n.tr("visit.title")}</h2>
        <p class="visit-elder" data-testid="visit-elder-name">
            {loaded.elder_name.clone()}
            <Show when=move || loaded.required_home>
                <span class="badge mode home">{i18n.tr("mode.home")}</span>
            </Show>
        </p>
        <Show when=move || restored.get()>
            <p class="notice" data-testid="draft-restored">{i18n.tr("visit.draft_restored")}</p>
        </Show>
        <form class="stack" on:submit=submit novalidate=true>
            <label class="field">
                <span>{i18n.tr("visit.date")}</span>
                <input
                    type="date"
                    data-testid="visit-date"
                    prop:value=move || form.date.get()
                    on:input=move |event| form.date.set(event_target_value(&event))
                />
            </label>
            <ChoiceGroup name="mode" label="visit.mode" options=MODES value=form.mode />
            <ChoiceGroup name="family_change" label="visit.family" options=FAMILY value=form.family_change />
            <Show when=family_changed>
                <label class="field">
                    <span>{i18n.tr("visit.family.count")}</span>
                    <input
                        type="number"
                        inputmode="numeric"
                        min="1"
                        data-testid="visit-family-count"
                        prop:value=move || form.family_count.get()
                        on:input=move |event| form.family_count.set(event_target_value(&event))
                    />
                </label>
            </Show>
            <h3>{i18n.tr("visit.health")}</h3>
            <ChoiceGroup name="expression" label="visit.expression" options=LEVELS value=form.expression />
            <ChoiceGroup name="mobility" label="visit.mobility" options=LEVELS value=form.mobility />
            <ChoiceGroup name="illness" label="visit.illness" options=ILLNESS value=form.illness />
            <Show when=illness_serious>
                <label class="field">
                    <span>{i18n.tr("visit.illness_name")}</span>
                    <input
                        type="text"
                        data-testid="visit-illness-name"
                        prop:value=move || form.illness_name.get()
                        on:input=move |event| form.illness_name.set(event_target_value(&event))
                    />
                </label>
            </Show>
            <ChoiceGroup name="mood" label="visit.mood" options=LEVELS value=form.mood />
            <h3>{i18n.tr("visit.safety")}</h3>
            <ChoiceGroup name="gas" label="visit.gas" options=SAFETY value=form.gas />
            <ChoiceGroup name="water_heating" label="visit.water_heating" options=SAFETY value=form.water_heating />
            <ChoiceGroup name="electricity" label="visit.electricity" options=SAFETY value=form.electricity />
            <ChoiceGroup name="fire" label="visit.fire" options=SAFETY value=form.fire />
            <h3>{i18n.tr("visit.hygiene")}</h3>
            <ChoiceGroup name="personal_hygiene" label="visit.personal_hygiene" options=LEVELS value=form.personal_hygiene />
            <ChoiceGroup name="household_hygiene" label="visit.household_hygiene" options=LEVELS value=form.household_hygiene />
            <h3>{i18n.tr("visit.environment")}</h3>
            <ChoiceGroup name="indoor" label="visit.indoor" options=LEVELS value=form.indoor />
            <label class="field">
                <span>{i18n.tr("visit.needs")}</span>
                <textarea
                    rows="3"
                    data-testid="visit-needs"
                    prop:value=move || form.needs.get()
                    on:input=move |event| form.needs.set(event_target_value(&event))
                ></textarea>
            </label>
            <label class="field">
                <span>{i18n.tr("visit.suggestions")}</span>
                <textarea
                    rows="3"
                    data-testid="visit-suggestions"
                    prop:value=move || form.suggestions.get()
                    on:input=move |event| form.suggestions.set(event_target_value(&event))
                ></textarea>
            </label>
            <ChoiceGroup name="satisfaction" label="visit.satisfaction" options=SATISFACTION value=form.satisfaction />
            <label class="field">
                <span>{i18n.tr("visit.duration")}</span>
                <input
                    type="number"
                    inputmode="numeric"
                    min="1"
                    max="1440"
                    data-testid="visit-duration"
                    prop:value=move || form.duration_minutes.get()
                    on:input=move |event| form.duration_minutes.set(event_target_value(&event))
                />
            </label>
            <div class="field location">
                <button type="button" class="big-button" data-testid="visit-locate" on:click=locate>
                    {i18n.tr("visit.location.get")}
                </button>
                <span data-testid="visit-location">
                    {move || match form.location.get() {
                        Some(location) => format!(
                            "{}, {} ({} ±{} m)",
                            fixed(location.latitude, 5),
                            fixed(location.longitude, 5),
                            i18n.t("visit.location.accuracy"),
                            fixed(location.accuracy_m, 0)
                        ),
                        None if location_failed.get() => i18n.t("visit.location.denied").to_string(),
                        None => i18n.t("visit.location").to_string(),
                    }}
                </span>
            </div>
            <label class="check" data-testid="visit-locate-on-save">
                <input
                    type="checkbox"
                    prop:checked=move || locate_on_save.get()
                    on:change=move |event| {
                        let on = event_target_checked(&event);
                        locate_on_save.set(on);
                        remember_locate_on_save(on);
                    }
                />
                <span>{i18n.tr("visit.location.on_save")}</span>
            </label>
            <label class="check big-check" data-testid="visit-confirmed">
                <input
                    type="checkbox"
                    prop:checked=move || form.elder_confirmed.get()
                    on:change=move |event| form.elder_confirmed.set(event_target_checked(&event))
                />
                <span>{i18n.tr("visit.confirmed")}</span>
            </label>
            <ErrorLine error=error />
            <button type="submit" class="big-button primary sticky-save" data-testid="visit-save" disabled=move || saving.get() || locating.get()>
                {i18n.tr("visit.save")}
            </button>
            <button type="button" class="link-button" data-testid="visit-discard" on:click=discard>
                {i18n.tr("visit.discard")}
            </button>
        </form>
    }
}

/// Asks the browser for one position; fills `target` or sets `failed`.
fn request_location(target: RwSignal<Option<Location>>, failed: RwSignal<bool>) {
    request_position(0, 20_000, move |position| match position {
        Some(position) => target.set(Some(position)),
        None => failed.set(true),
    });
}

/// Asks the browser for one position (a cached one up to `max_age_ms` old will do) and calls
/// `done` exactly once: with the position, or with `None` on refusal, error or after
/// `wait_ms` — whichever comes first (the permission prompt does not stop the clock).
fn request_position(max_age_ms: u32, wait_ms: u32, done: impl FnOnce(Option<Location>) + 'static) {
    let done = Rc::new(RefCell::new(Some(done)));
    let finish = move |position: Option<Location>| {
        if let Some(done) = done.borrow_mut().take() {
            done(position);
        }
    };
    let Some(geolocation) =
        web_sys::window().and_then(|window| window.navigator().geolocation().ok())
    else {
        finish(None);
        return;
    };
    let on_timer = finish.clone();
    let _ = Timeout::new(wait_ms, move || on_timer(None)).forget();
    let on_success = finish.clone();
    // GeolocationPosition is an "unstable" web-sys API: read its fields by reflection.
    let success = Closure::once_into_js(move |position: JsValue| {
        let coords = js_sys::Reflect::get(&position, &"coords".into()).unwrap_or_default();
        let number = |name: &str| {
            js_sys::Reflect::get(&coords, &name.into())
                .ok()
                .and_then(|value| value.as_f64())
        };
        on_success(
            match (number("latitude"), number("longitude"), number("accuracy")) {
                (Some(latitude), Some(longitude), Some(accuracy_m)) => Some(Location {
                    latitude,
                    longitude,
                    accuracy_m,
                }),
                _ => None,
            },
        )
    });
    let on_failure = finish.clone();
    let failure = Closure::once_into_js(move |_error: JsValue| on_failure(None));
    let options = web_sys::PositionOptions::new();
    options.set_enable_high_accuracy(true);
    options.set_timeout(wait_ms);
    options.set_maximum_age(max_age_ms);
    if geolocation
        .get_current_position_with_error_callback_and_options(
            success.unchecked_ref(),
            Some(failure.unchecked_ref()),
            &options,
        )
        .is_err()
    {
        finish(None);
    }
}
