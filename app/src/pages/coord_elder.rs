//! One elder's full file (一人一档): create (`/coord/elders/new`) and edit
//! (`/coord/elders/:id`).
//!
//! - The browser runs the domain's `ElderFile::validate` before sending; the server runs it
//!   again. Errors from either side are shown at the named field (`data-testid="err-<field>"`).
//! - ID numbers arrive masked; "查看完整号码" asks for a reason and calls the audited reveal
//!   API. A masked value sent back unchanged keeps the stored number (server rule), so the
//!   browser skips checking it.
//! - Consent history: a refusal needs a note (checked before the record is added, and by
//!   `validate`). A possible duplicate (same name and birth date) asks for confirmation.
//! - 天津 half-yearly re-verification: due / overdue shown from `last_reverified_on`.

use crate::clock;
use crate::components::coord_shell::{ConsoleErrorLine, ConsoleTitle};
use crate::components::coord_text::{
    capability_label, category_label, consent_label, ct, requirement_text, tier_name,
};
use crate::console_api::{self, AssignRequest, ConsoleError, ElderDetail, Person, RegionNode};
use crate::i18n::use_i18n;
use crate::pages::coord_elder_care::ElderCareSections;
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use serde_json::Value;
use tanfang_domain::date::Per;
use tanfang_domain::elder::{
    Capability, Category, Consent, ConsentRecord, ContactKind, ElderFile, EmergencyContact,
    FamilyMember, GeoPoint, Sex,
};
use tanfang_domain::evidence::EvidenceFlag;

/// Re-verification state of a file on `today` (天津 §二(二)三: every half year).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reverification {
    Done,
    Due,
    Overdue,
}

pub fn reverification(file: &ElderFile, today: NaiveDate) -> Reverification {
    let current = Per::HalfYear.period_containing(today);
    let previous = current.previous();
    match file.last_reverified_on {
        Some(date) if date >= current.start => Reverification::Done,
        Some(date) if date >= previous.start => Reverification::Due,
        // Never verified, or not even in the previous half-year.
        _ => Reverification::Overdue,
    }
}

/// The file as the browser should validate it: masked values that were not changed are the
/// stored ones (the server keeps them), so they are not checked here.
pub fn for_validation(file: &ElderFile, original: &ElderFile) -> ElderFile {
    let mut copy = file.clone();
    let masked = |value: &Option<String>| value.as_deref().is_some_and(|v| v.contains('*'));
    if masked(&copy.id_number) && copy.id_number == original.id_number {
        copy.id_number = None;
    }
    if masked(&copy.disability_certificate_number)
        && copy.disability_certificate_number == original.disability_certificate_number
    {
        copy.disability_certificate_number = None;
    }
    for member in copy.family_members.iter_mut() {
        if masked(&member.id_number) {
            member.id_number = None;
        }
    }
    copy
}

/// True when an error on `error_field` belongs to the input for `field`.
pub fn field_matches(error_field: &str, field: &str) -> bool {
    error_field == field
        || error_field
            .strip_prefix(field)
            .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
}

#[derive(Clone, Debug, PartialEq)]
struct Loaded {
    detail: Option<ElderDetail>,
    file: ElderFile,
    regions: Vec<RegionNode>,
    people: Vec<Person>,
}

async fn load(id: String) -> Result<Loaded, ConsoleError> {
    let regions = console_api::regions().await?;
    let people = console_api::people().await.unwrap_or_default();
    if id == "new" {
        let file = ElderFile {
            id: clock::new_id("elder"),
            lives_at_household_registration: true,
            ..Default::default()
        };
        return Ok(Loaded {
            detail: None,
            file,
            regions,
            people,
        });
    }
    let detail = console_api::elder(&id).await?;
    let file = detail.file()?;
    Ok(Loaded {
        detail: Some(detail),
        file,
        regions,
        people,
    })
}

#[component]
pub fn CoordElderPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let loaded = LocalResource::new(move || load(id()));
    view! {
        <section class="console-page elder-file" data-testid="coord-elder">
            <A href="/coord/elders" attr:class="back-link no-print" attr:data-testid="file-back">{move || ct(i18n, "file.back")}</A>
            <Suspense fallback=move || view! { <p class="loading">{move || ct(i18n, "loading")}</p> }>
                {move || Suspend::new(async move {
                    match loaded.await {
                        Err(ConsoleError::NotFound) => Ok(view! {
                            <p class="error-box" data-testid="file-not-found">{ConsoleError::NotFound.to_string()}</p>
                        }.into_any()),
                        Err(other) => Err(other),
                        Ok(data) => Ok(view! { <ElderForm data=data /> }.into_any()),
                    }
                })}
            </Suspense>
        </section>
    }
}

type Errors = RwSignal<Vec<(String, String)>>;

/// What the server derived for a file: (tier, in scope, requirements).
type DerivedFacts = (Option<String>, bool, Vec<Value>);

/// The messages for one field.
#[component]
fn FieldError(errors: Errors, #[prop(into)] field: String) -> impl IntoView {
    let testid = format!("err-{field}");
    let wanted = field.clone();
    let messages = Memo::new(move |_| {
        errors.with(|list| {
            list.iter()
                .filter(|(f, _)| field_matches(f, &wanted))
                .map(|(_, m)| m.clone())
                .collect::<Vec<_>>()
        })
    });
    view! {
        <Show when=move || messages.with(|m| !m.is_empty())>
            <span class="field-error" role="alert" data-testid=testid.clone()>{move || messages.get().join("；")}</span>
        </Show>
    }
}

fn opt(text: String) -> Option<String> {
    let text = text.trim().to_string();
    (!text.is_empty()).then_some(text)
}

fn parse_date_input(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
}

fn date_text(date: Option<NaiveDate>) -> String {
    date.map(|d| d.to_string()).unwrap_or_default()
}

/// A labelled text input bound to one string of the file.
#[component]
fn TextField(
    file: RwSignal<ElderFile>,
    errors: Errors,
    label: &'static str,
    field: &'static str,
    get: fn(&ElderFile) -> String,
    set: fn(&mut ElderFile, String),
    #[prop(default = "text")] kind: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let invalid =
        Memo::new(move |_| errors.with(|list| list.iter().any(|(f, _)| field_matches(f, field))));
    view! {
        <label class="field" class:invalid=move || invalid.get()>
            <span>{move || ct(i18n, label)}</span>
            <input type=kind data-testid=format!("f-{field}") prop:value=move || file.with(get)
                on:input=move |e| { let v = event_target_value(&e); file.update(|f| set(f, v)); } />
            <FieldError errors=errors field=field />
        </label>
    }
}

/// A labelled checkbox bound to one flag of the file.
#[component]
fn CheckField(
    file: RwSignal<ElderFile>,
    label: &'static str,
    field: &'static str,
    get: fn(&ElderFile) -> bool,
    set: fn(&mut ElderFile, bool),
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label class="check">
            <input type="checkbox" data-testid=format!("f-{field}") prop:checked=move || file.with(get)
                on:change=move |e| { let v = event_target_checked(&e); file.update(|f| set(f, v)); } />
            {move || ct(i18n, label)}
        </label>
    }
}

/// 是/否/未填 for an optional flag.
#[component]
fn TriState(
    file: RwSignal<ElderFile>,
    label: &'static str,
    field: &'static str,
    get: fn(&ElderFile) -> Option<bool>,
    set: fn(&mut ElderFile, Option<bool>),
) -> impl IntoView {
    let i18n = use_i18n();
    let value = move || match file.with(get) {
        Some(true) => "yes",
        Some(false) => "no",
        None => "",
    };
    view! {
        <label class="field">
            <span>{move || ct(i18n, label)}</span>
            <select data-testid=format!("f-{field}") prop:value=value
                on:change=move |e| {
                    let v = match event_target_value(&e).as_str() { "yes" => Some(true), "no" => Some(false), _ => None };
                    file.update(|f| set(f, v));
                }>
                <option value="">{move || ct(i18n, "file.unknown")}</option>
                <option value="yes">{move || ct(i18n, "file.yes")}</option>
                <option value="no">{move || ct(i18n, "file.no")}</option>
            </select>
        </label>
    }
}

/// 住址坐标: the home's point as "纬度, 经度" (pasted from a map), which the visit evidence
/// compares home visits' locations with. Text that does not read as a point stays in the box
/// with its error and blocks saving, so a typo never silently keeps the old point.
#[component]
fn LocationField(
    file: RwSignal<ElderFile>,
    errors: Errors,
    problem: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let text = RwSignal::new(
        file.with_untracked(|f| f.location.map(|point| point.to_text()).unwrap_or_default()),
    );
    let invalid = Memo::new(move |_| {
        errors.with(|list| list.iter().any(|(f, _)| field_matches(f, "location")))
    });
    let on_input = move |event| {
        let typed = event_target_value(&event);
        text.set(typed.clone());
        let read = GeoPoint::parse_text(&typed, "location");
        errors.update(|list| {
            list.retain(|(f, _)| !field_matches(f, "location"));
            if let Err(error) = &read {
                list.push((error.field.clone(), error.message.clone()));
            }
        });
        match read {
            Ok(point) => {
                problem.set(None);
                file.update(|f| f.location = point);
            }
            Err(error) => problem.set(Some(error.message)),
        }
    };
    view! {
        <label class="field" class:invalid=move || invalid.get()>
            <span>{move || ct(i18n, "file.location")}</span>
            <input type="text" inputmode="decimal" data-testid="f-location"
                placeholder="35.4153, 116.5871" prop:value=move || text.get() on:input=on_input />
            <small class="hint">{move || ct(i18n, "file.location_hint")}</small>
            <FieldError errors=errors field="location" />
        </label>
    }
}

#[component]
fn ElderForm(data: Loaded) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let is_new = data.detail.is_none();
    let original = data.file.clone();
    let file = RwSignal::new(data.file.clone());
    let errors: Errors = RwSignal::new(Vec::new());
    let form_error = RwSignal::new(None::<ConsoleError>);
    let duplicate = RwSignal::new(None::<String>);
    let saving = RwSignal::new(false);
    let saved = RwSignal::new(false);
    // The 住址坐标 text that does not read as a point (kept apart: the file can only hold one).
    let location_problem = RwSignal::new(None::<String>);
    let versions = RwSignal::new(
        data.detail
            .as_ref()
            .map(|d| d.field_versions.clone())
            .unwrap_or_default(),
    );
    let derived = RwSignal::new(
        data.detail
            .as_ref()
            .map(|d| (d.tier.clone(), d.in_scope, d.requirements.clone())),
    );
    let communities = console_api::communities(&data.regions);
    let regions = data.regions.clone();
    let today = clock::today();

    let save = move |confirm_duplicate: bool| {
        if saving.get_untracked() {
            return;
        }
        saved.set(false);
        form_error.set(None);
        duplicate.set(None);
        let current = file.get_untracked();
        let mut found: Vec<(String, String)> = location_problem
            .get_untracked()
            .map(|message| vec![("location".to_string(), message)])
            .unwrap_or_default();
        if let Err(problems) = for_validation(&current, &original).validate(clock::today()) {
            found.extend(problems.into_iter().map(|e| (e.field, e.message)));
        }
        if !found.is_empty() {
            errors.set(found);
            form_error.set(Some(ConsoleError::Field {
                code: "invalid_field".into(),
                field: String::new(),
                message: ct(i18n, "file.fix_errors").to_string(),
            }));
            return;
        }
        errors.set(Vec::new());
        saving.set(true);
        let navigate = navigate.clone();
        spawn_local(async move {
            let result = if is_new {
                console_api::create_elder(&current, confirm_duplicate).await
            } else {
                console_api::update_elder(&current.id, &current, &versions.get_untracked()).await
            };
            saving.set(false);
            match result {
                Ok(answer) => {
                    saved.set(true);
                    if let Some(new_versions) = answer.field_versions.clone() {
                        versions.set(new_versions);
                    }
                    derived.set(Some((
                        answer.tier.clone(),
                        answer.in_scope,
                        answer.requirements.clone(),
                    )));
                    if is_new {
                        navigate(&format!("/coord/elders/{}", answer.id), Default::default());
                    }
                }
                Err(ConsoleError::Field {
                    code,
                    field,
                    message,
                }) if code == "possible_duplicate" => {
                    duplicate.set(Some(message.clone()));
                    errors.set(vec![(field, message)]);
                }
                Err(ConsoleError::Field {
                    code,
                    field,
                    message,
                }) if !field.is_empty() => {
                    errors.set(vec![(field.clone(), message.clone())]);
                    form_error.set(Some(ConsoleError::Field {
                        code,
                        field,
                        message,
                    }));
                }
                Err(other) => form_error.set(Some(other)),
            }
        });
    };
    let save_click = {
        let save = save.clone();
        move |_| save(false)
    };
    let confirm_click = move |_| save(true);

    let title = if is_new {
        "file.title.new"
    } else {
        "file.title.edit"
    };
    let people = data.people.clone();
    let elder_id = data.file.id.clone();
    let care_elder_id = data.file.id.clone();
    let visits = data
        .detail
        .as_ref()
        .map(|d| d.visits.clone())
        .unwrap_or_default();
    let error_count = Memo::new(move |_| errors.with(Vec::len));

    view! {
        <ConsoleTitle title=Signal::derive(move || ct(i18n, title)) testid="file-title" />
        <Show when=move || !is_new>
            <p class="file-name-line" data-testid="file-elder-name">{move || file.with(|f| f.name.clone())}</p>
        </Show>
        <Derived derived=derived />
        <form class="file-form" on:submit=|e: leptos::ev::SubmitEvent| e.prevent_default() novalidate=true>
            <fieldset>
                <legend>{move || ct(i18n, "file.identity")}</legend>
                <div class="grid">
                    <TextField file=file errors=errors label="file.name" field="name"
                        get=|f| f.name.clone() set=|f, v| f.name = v />
                    <label class="field" class:invalid=move || errors.with(|l| l.iter().any(|(f, _)| f == "sex"))>
                        <span>{move || ct(i18n, "file.sex")}</span>
                        <select data-testid="f-sex"
                            prop:value=move || file.with(|f| match f.sex { Some(Sex::Male) => "male", Some(Sex::Female) => "female", None => "" })
                            on:change=move |e| {
                                let v = match event_target_value(&e).as_str() { "male" => Some(Sex::Male), "female" => Some(Sex::Female), _ => None };
                                file.update(|f| f.sex = v);
                            }>
                            <option value="">{move || ct(i18n, "file.sex.unknown")}</option>
                            <option value="male">{move || ct(i18n, "file.sex.male")}</option>
                            <option value="female">{move || ct(i18n, "file.sex.female")}</option>
                        </select>
                        <FieldError errors=errors field="sex" />
                    </label>
                    <TextField file=file errors=errors label="file.ethnicity" field="ethnicity"
                        get=|f| f.ethnicity.clone().unwrap_or_default() set=|f, v| f.ethnicity = opt(v) />
                    <IdNumberField file=file errors=errors elder_id=elder_id.clone() is_new=is_new />
                    <TextField file=file errors=errors label="file.birth_date" field="birth_date" kind="date"
                        get=|f| date_text(f.birth_date) set=|f, v| f.birth_date = parse_date_input(&v) />
                    <TextField file=file errors=errors label="file.phone" field="phone" kind="tel"
                        get=|f| f.phone.clone().unwrap_or_default() set=|f, v| f.phone = opt(v) />
                </div>
            </fieldset>
            <fieldset>
                <legend>{move || ct(i18n, "file.residence")}</legend>
                <div class="grid">
                    <label class="field" class:invalid=move || errors.with(|l| l.iter().any(|(f, _)| field_matches(f, "address")))>
                        <span>{move || ct(i18n, "file.region")}</span>
                        <select data-testid="f-address.region_code"
                            prop:value=move || file.with(|f| f.address.region_code.clone())
                            on:change=move |e| {
                                let code = event_target_value(&e);
                                let names = region_names(&regions, &code);
                                file.update(|f| {
                                    f.address.region_code = code;
                                    if let Some([city, district, street, community]) = names.clone() {
                                        f.address.city = city;
                                        f.address.district = district;
                                        f.address.street = street;
                                        f.address.community = community;
                                    }
                                });
                            }>
                            <option value="">{move || ct(i18n, "file.choose")}</option>
                            {communities.iter().map(|c| view! { <option value=c.code.clone()>{format!("{}（{}）", c.name, c.code)}</option> }).collect_view()}
                        </select>
                        <FieldError errors=errors field="address" />
                    </label>
                    <TextField file=file errors=errors label="file.detail" field="address.detail"
                        get=|f| f.address.detail.clone() set=|f, v| f.address.detail = v />
                    <LocationField file=file errors=errors problem=location_problem />
                    <CheckField file=file label="file.lives_at_registration" field="lives_at_household_registration"
                        get=|f| f.lives_at_household_registration set=|f, v| f.lives_at_household_registration = v />
                    <Show when=move || file.with(|f| !f.lives_at_household_registration)>
                        <TextField file=file errors=errors label="file.registration_region" field="household_registration_region_code"
                            get=|f| f.household_registration_region_code.clone().unwrap_or_default()
                            set=|f, v| f.household_registration_region_code = opt(v) />
                    </Show>
                </div>
            </fieldset>
            <Contacts file=file errors=errors />
            <fieldset>
                <legend>{move || ct(i18n, "file.situation")}</legend>
                <div class="field" class:invalid=move || errors.with(|l| l.iter().any(|(f, _)| f == "categories"))>
                    <span>{move || ct(i18n, "file.categories")}</span>
                    <div class="checks">
                        {Category::ALL.iter().map(|category| {
                            let category = *category;
                            view! {
                                <label class="check">
                                    <input type="checkbox" data-testid=format!("f-category-{}", category.as_str())
                                        prop:checked=move || file.with(|f| f.categories.contains(&category))
                                        on:change=move |e| {
                                            let on = event_target_checked(&e);
                                            file.update(|f| {
                                                f.categories.retain(|c| *c != category);
                                                if on { f.categories.push(category); f.categories.sort(); }
                                            });
                                        } />
                                    {move || category_label(i18n.lang.get(), category)}
                                </label>
                            }
                        }).collect_view()}
                    </div>
                    <FieldError errors=errors field="categories" />
                </div>
                <div class="grid">
                    <label class="field">
                        <span>{move || ct(i18n, "file.capability")}</span>
                        <select data-testid="f-capability" prop:value=move || file.with(|f| f.capability.as_str())
                            on:change=move |e| {
                                let v = event_target_value(&e);
                                let capability = Capability::ALL.iter().copied().find(|c| c.as_str() == v).unwrap_or_default();
                                file.update(|f| f.capability = capability);
                            }>
                            {Capability::ALL.iter().map(|c| {
                                let c = *c;
                                view! { <option value=c.as_str()>{move || capability_label(i18n.lang.get(), c)}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                    <TextField file=file errors=errors label="file.assessed_on" field="capability_assessed_on" kind="date"
                        get=|f| date_text(f.capability_assessed_on) set=|f, v| f.capability_assessed_on = parse_date_input(&v) />
                    <label class="field" class:invalid=move || errors.with(|l| l.iter().any(|(f, _)| f == "disability_grade"))>
                        <span>{move || ct(i18n, "file.disability_grade")}</span>
                        <select data-testid="f-disability_grade"
                            prop:value=move || file.with(|f| f.disability_grade.map(|g| g.to_string()).unwrap_or_default())
                            on:change=move |e| { let v = event_target_value(&e).parse::<u8>().ok(); file.update(|f| f.disability_grade = v); }>
                            <option value="">"—"</option>
                            <option value="1">"1"</option>
                            <option value="2">"2"</option>
                            <option value="3">"3"</option>
                            <option value="4">"4"</option>
                        </select>
                        <FieldError errors=errors field="disability_grade" />
                    </label>
                    <TextField file=file errors=errors label="file.disability_certificate" field="disability_certificate_number"
                        get=|f| f.disability_certificate_number.clone().unwrap_or_default()
                        set=|f, v| f.disability_certificate_number = opt(v) />
                    <TextField file=file errors=errors label="file.illness_names" field="illness_names"
                        get=|f| f.illness_names.join("、")
                        set=|f, v| f.illness_names = v.split(['、', ',', '，']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect() />
                </div>
                <div class="checks">
                    <CheckField file=file label="file.bedridden" field="bedridden" get=|f| f.bedridden set=|f, v| f.bedridden = v />
                    <CheckField file=file label="file.mobility_impaired" field="mobility_impaired" get=|f| f.mobility_impaired set=|f, v| f.mobility_impaired = v />
                    <CheckField file=file label="file.dementia" field="dementia" get=|f| f.dementia set=|f, v| f.dementia = v />
                    <CheckField file=file label="file.serious_illness" field="serious_illness" get=|f| f.serious_illness set=|f, v| f.serious_illness = v />
                    <CheckField file=file label="file.low_income" field="low_income" get=|f| f.low_income set=|f, v| f.low_income = v />
                    <CheckField file=file label="file.cohabits" field="cohabits_with_impaired_elder" get=|f| f.cohabits_with_impaired_elder set=|f, v| f.cohabits_with_impaired_elder = v />
                    <CheckField file=file label="file.cares_child" field="cares_for_impaired_child" get=|f| f.cares_for_impaired_child set=|f, v| f.cares_for_impaired_child = v />
                </div>
            </fieldset>
            <fieldset>
                <legend>{move || ct(i18n, "file.living")}</legend>
                <div class="grid">
                    <TriState file=file label="file.water" field="living_conditions.drinking_water_safe"
                        get=|f| f.living_conditions.drinking_water_safe set=|f, v| f.living_conditions.drinking_water_safe = v />
                    <TriState file=file label="file.electricity" field="living_conditions.electricity_safe"
                        get=|f| f.living_conditions.electricity_safe set=|f, v| f.living_conditions.electricity_safe = v />
                    <TriState file=file label="file.housing" field="living_conditions.housing_safe"
                        get=|f| f.living_conditions.housing_safe set=|f, v| f.living_conditions.housing_safe = v />
                    <TextField file=file errors=errors label="file.income" field="living_conditions.monthly_household_income_yuan" kind="number"
                        get=|f| f.living_conditions.monthly_household_income_yuan.map(|n| n.to_string()).unwrap_or_default()
                        set=|f, v| f.living_conditions.monthly_household_income_yuan = v.trim().parse().ok() />
                    <TextField file=file errors=errors label="file.pension" field="living_conditions.monthly_pension_yuan" kind="number"
                        get=|f| f.living_conditions.monthly_pension_yuan.map(|n| n.to_string()).unwrap_or_default()
                        set=|f, v| f.living_conditions.monthly_pension_yuan = v.trim().parse().ok() />
                    <CheckField file=file label="file.extremely_poor" field="living_conditions.extremely_poor"
                        get=|f| f.living_conditions.extremely_poor set=|f, v| f.living_conditions.extremely_poor = v />
                </div>
            </fieldset>
            <Family file=file errors=errors />
            <ConsentSection file=file errors=errors />
            <fieldset data-testid="reverify-section">
                <legend>{move || ct(i18n, "file.reverify")}</legend>
                <div class="grid">
                    <TextField file=file errors=errors label="file.reverified_on" field="last_reverified_on" kind="date"
                        get=|f| date_text(f.last_reverified_on) set=|f, v| f.last_reverified_on = parse_date_input(&v) />
                    <div class="field">
                        {move || {
                            let state = file.with(|f| reverification(f, today));
                            let (class, key, value) = match state {
                                Reverification::Done => ("badge ok", "file.reverify.ok", "done"),
                                Reverification::Due => ("badge due", "file.reverify.due", "due"),
                                Reverification::Overdue => ("badge overdue", "file.reverify.overdue", "overdue"),
                            };
                            view! { <span class=class data-testid="reverify-status" data-state=value>{ct(i18n, key)}</span> }
                        }}
                        <button type="button" class="small-button" data-testid="reverify-today"
                            on:click=move |_| file.update(|f| f.last_reverified_on = Some(clock::today()))>
                            {move || ct(i18n, "file.reverify_now")}
                        </button>
                    </div>
                </div>
            </fieldset>
            <fieldset>
                <legend>{move || ct(i18n, "file.notes")}</legend>
                <textarea data-testid="f-notes" rows="3" aria-label=move || ct(i18n, "file.notes") prop:value=move || file.with(|f| f.notes.clone().unwrap_or_default())
                    on:input=move |e| { let v = event_target_value(&e); file.update(|f| f.notes = opt(v)); }></textarea>
            </fieldset>
            <div class="form-actions no-print">
                <Show when=move || { error_count.get() > 0 }>
                    <ul class="error-box" data-testid="file-errors">
                        {move || errors.get().into_iter().map(|(field, message)| view! { <li>{format!("{field}: {message}")}</li> }).collect_view()}
                    </ul>
                </Show>
                <ConsoleErrorLine error=form_error testid="file-form-error" />
                <Show when=move || duplicate.with(Option::is_some)>
                    <div class="warning-box" role="alert" data-testid="duplicate-warning">
                        <strong>{move || ct(i18n, "file.duplicate")}</strong>
                        <p>{move || duplicate.get().unwrap_or_default()}</p>
                        <button type="button" class="big-button" data-testid="duplicate-confirm" on:click=confirm_click.clone()>
                            {move || ct(i18n, "file.duplicate_confirm")}
                        </button>
                    </div>
                </Show>
                <Show when=move || saved.get()>
                    <p class="ok-line" role="status" data-testid="file-saved">{move || ct(i18n, "file.saved")}</p>
                </Show>
                <button type="button" class="big-button primary" data-testid="file-save" disabled=move || saving.get() on:click=save_click>
                    {move || if saving.get() { ct(i18n, "file.saving") } else { ct(i18n, "file.save") }}
                </button>
            </div>
        </form>
        <Show when=move || !is_new>
            <AssignOne elder_id=elder_id.clone() people=people.clone() file=file />
        </Show>
        <RecentVisits visits=visits />
        <Show when=move || !is_new>
            <ElderCareSections elder_id=care_elder_id.clone() />
        </Show>
    }
}

/// `[city, district, street, community]` names of a community code, from the tree.
fn region_names(roots: &[RegionNode], code: &str) -> Option<[String; 4]> {
    let chain: Vec<RegionNode> = console_api::flatten_regions(roots)
        .into_iter()
        .map(|(_, node)| node)
        .filter(|node| node.contains_code(code))
        .collect();
    let name = |levels: &[&str]| {
        chain
            .iter()
            .find(|n| levels.contains(&n.level.as_str()))
            .map(|n| n.name.clone())
            .unwrap_or_default()
    };
    chain.iter().any(|n| n.code == code).then(|| {
        [
            name(&["city", "province"]),
            name(&["district", "county"]),
            name(&["street", "town"]),
            name(&["community", "village"]),
        ]
    })
}

#[component]
fn Derived(derived: RwSignal<Option<DerivedFacts>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        {move || derived.get().map(|(tier, in_scope, requirements)| {
            let lang = i18n.lang.get();
            let tier_text = match (&tier, in_scope) {
                (Some(tier), true) => tier_name(lang, tier),
                _ => ct(i18n, "reg.not_in_scope").to_string(),
            };
            let lines: Vec<String> = requirements.iter().map(|r| requirement_text(
                lang,
                r["kind"].as_str().unwrap_or("visit"),
                r["mode"].as_str().unwrap_or("any"),
                r["count"].as_u64().unwrap_or(1) as u32,
                r["per"].as_str().unwrap_or(""),
            )).collect();
            view! {
                <div class="derived" data-testid="file-derived">
                    <span>{ct(i18n, "file.derived")}": "</span>
                    <strong data-testid="file-tier">{tier_text}</strong>
                    <span class="requirements">{lines.join("；")}</span>
                </div>
            }
        })}
    }
}

#[component]
fn IdNumberField(
    file: RwSignal<ElderFile>,
    errors: Errors,
    elder_id: String,
    is_new: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let asking = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let revealed = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<ConsoleError>);
    let masked = move || file.with(|f| f.id_number.as_deref().is_some_and(|v| v.contains('*')));
    let confirm = move |_| {
        let id = elder_id.clone();
        let why = reason.get_untracked();
        error.set(None);
        spawn_local(async move {
            match console_api::reveal(&id, why.trim()).await {
                Ok(answer) => {
                    revealed.set(answer.id_number.clone());
                    if let Some(number) = answer.id_number {
                        file.update(|f| f.id_number = Some(number));
                    }
                    asking.set(false);
                }
                Err(failure) => error.set(Some(failure)),
            }
        });
    };
    view! {
        <label class="field" class:invalid=move || errors.with(|l| l.iter().any(|(f, _)| f == "id_number"))>
            <span>{move || ct(i18n, "file.id_number")}</span>
            <input type="text" class="mono" data-testid="f-id_number" autocomplete="off"
                prop:value=move || file.with(|f| f.id_number.clone().unwrap_or_default())
                on:input=move |e| { let v = event_target_value(&e); file.update(|f| f.id_number = opt(v)); } />
            <Show when=move || !is_new && masked()>
                <small class="hint">{move || ct(i18n, "file.masked_hint")}</small>
                <button type="button" class="small-button" data-testid="reveal-open" on:click=move |_| asking.set(true)>
                    {move || ct(i18n, "file.reveal")}
                </button>
            </Show>
            <Show when=move || revealed.with(Option::is_some)>
                <span class="revealed mono" data-testid="revealed-id">{move || revealed.get().unwrap_or_default()}</span>
            </Show>
            <FieldError errors=errors field="id_number" />
        </label>
        <Show when=move || asking.get()>
            <div class="dialog" role="dialog" data-testid="reveal-dialog">
                <label class="field">
                    <span>{move || ct(i18n, "file.reveal.reason")}</span>
                    <input type="text" data-testid="reveal-reason" prop:value=move || reason.get()
                        on:input=move |e| reason.set(event_target_value(&e)) />
                </label>
                <ConsoleErrorLine error=error testid="reveal-error" />
                <button type="button" class="big-button primary" data-testid="reveal-confirm" on:click=confirm.clone()>
                    {move || ct(i18n, "file.reveal.confirm")}
                </button>
                <button type="button" class="small-button" data-testid="reveal-cancel" on:click=move |_| asking.set(false)>
                    {move || ct(i18n, "file.reveal.cancel")}
                </button>
            </div>
        </Show>
    }
}

#[component]
fn Contacts(file: RwSignal<ElderFile>, errors: Errors) -> impl IntoView {
    let i18n = use_i18n();
    let count = Memo::new(move |_| file.with(|f| f.emergency_contacts.len()));
    view! {
        <fieldset data-testid="contacts">
            <legend>{move || ct(i18n, "file.contacts")}</legend>
            {move || (0..count.get()).map(|index| {
                let field = |name: &str| format!("emergency_contacts[{index}].{name}");
                let update = move |change: Box<dyn Fn(&mut EmergencyContact)>| {
                    file.update(|f| if let Some(c) = f.emergency_contacts.get_mut(index) { change(c) });
                };
                let read = move |get: fn(&EmergencyContact) -> String| file.with(|f| f.emergency_contacts.get(index).map(get).unwrap_or_default());
                view! {
                    <div class="row" data-testid="contact-row">
                        <select data-testid=format!("f-contact-{index}-kind") aria-label=move || ct(i18n, "file.contact.kind")
                            prop:value=move || read(|c| match c.kind { ContactKind::Child => "child", ContactKind::Relative => "relative", ContactKind::Community => "community" }.to_string())
                            on:change=move |e| {
                                let kind = match event_target_value(&e).as_str() { "relative" => ContactKind::Relative, "community" => ContactKind::Community, _ => ContactKind::Child };
                                update(Box::new(move |c: &mut EmergencyContact| c.kind = kind));
                            }>
                            <option value="child">{move || ct(i18n, "file.contact.child")}</option>
                            <option value="relative">{move || ct(i18n, "file.contact.relative")}</option>
                            <option value="community">{move || ct(i18n, "file.contact.community")}</option>
                        </select>
                        <input type="text" data-testid=format!("f-contact-{index}-name") placeholder=move || ct(i18n, "file.contact.name") aria-label=move || ct(i18n, "file.contact.name")
                            prop:value=move || read(|c| c.name.clone())
                            on:input=move |e| { let v = event_target_value(&e); update(Box::new(move |c: &mut EmergencyContact| c.name = v.clone())); } />
                        <input type="text" data-testid=format!("f-contact-{index}-relation") placeholder=move || ct(i18n, "file.contact.relation") aria-label=move || ct(i18n, "file.contact.relation")
                            prop:value=move || read(|c| c.relation.clone())
                            on:input=move |e| { let v = event_target_value(&e); update(Box::new(move |c: &mut EmergencyContact| c.relation = v.clone())); } />
                        <input type="tel" data-testid=format!("f-contact-{index}-phone") placeholder=move || ct(i18n, "file.contact.phone") aria-label=move || ct(i18n, "file.contact.phone")
                            prop:value=move || read(|c| c.phone.clone())
                            on:input=move |e| { let v = event_target_value(&e); update(Box::new(move |c: &mut EmergencyContact| c.phone = v.clone())); } />
                        <button type="button" class="small-button" on:click=move |_| file.update(|f| { if index < f.emergency_contacts.len() { f.emergency_contacts.remove(index); } })>
                            {move || ct(i18n, "file.remove")}
                        </button>
                        <FieldError errors=errors field=field("phone") />
                        <FieldError errors=errors field=field("name") />
                        <FieldError errors=errors field=field("kind") />
                    </div>
                }
            }).collect_view()}
            <FieldError errors=errors field="emergency_contacts" />
            <button type="button" class="small-button" data-testid="contact-add"
                on:click=move |_| file.update(|f| f.emergency_contacts.push(EmergencyContact {
                    kind: ContactKind::Child, name: String::new(), relation: String::new(), phone: String::new(),
                }))>
                {move || ct(i18n, "file.add")}
            </button>
        </fieldset>
    }
}

#[component]
fn Family(file: RwSignal<ElderFile>, errors: Errors) -> impl IntoView {
    let i18n = use_i18n();
    let count = Memo::new(move |_| file.with(|f| f.family_members.len()));
    view! {
        <fieldset data-testid="family">
            <legend>{move || ct(i18n, "file.family")}</legend>
            {move || (0..count.get()).map(|index| {
                let update = move |change: Box<dyn Fn(&mut FamilyMember)>| {
                    file.update(|f| if let Some(m) = f.family_members.get_mut(index) { change(m) });
                };
                let read = move |get: fn(&FamilyMember) -> String| file.with(|f| f.family_members.get(index).map(get).unwrap_or_default());
                view! {
                    <div class="row" data-testid="family-row">
                        <input type="text" placeholder=move || ct(i18n, "file.name") aria-label=move || ct(i18n, "file.name") prop:value=move || read(|m| m.name.clone())
                            on:input=move |e| { let v = event_target_value(&e); update(Box::new(move |m: &mut FamilyMember| m.name = v.clone())); } />
                        <input type="text" placeholder=move || ct(i18n, "file.member.relation") aria-label=move || ct(i18n, "file.member.relation") prop:value=move || read(|m| m.relation.clone())
                            on:input=move |e| { let v = event_target_value(&e); update(Box::new(move |m: &mut FamilyMember| m.relation = v.clone())); } />
                        <input type="text" placeholder=move || ct(i18n, "file.member.health") aria-label=move || ct(i18n, "file.member.health") prop:value=move || read(|m| m.health.clone())
                            on:input=move |e| { let v = event_target_value(&e); update(Box::new(move |m: &mut FamilyMember| m.health = v.clone())); } />
                        <button type="button" class="small-button" on:click=move |_| file.update(|f| { if index < f.family_members.len() { f.family_members.remove(index); } })>
                            {move || ct(i18n, "file.remove")}
                        </button>
                        <FieldError errors=errors field=format!("family_members[{index}]") />
                    </div>
                }
            }).collect_view()}
            <button type="button" class="small-button" data-testid="family-add"
                on:click=move |_| file.update(|f| f.family_members.push(FamilyMember::default()))>
                {move || ct(i18n, "file.add")}
            </button>
        </fieldset>
    }
}

#[component]
fn ConsentSection(file: RwSignal<ElderFile>, errors: Errors) -> impl IntoView {
    let i18n = use_i18n();
    let date = RwSignal::new(clock::today().to_string());
    let decision = RwSignal::new("accepted".to_string());
    let note = RwSignal::new(String::new());
    let local_error = RwSignal::new(None::<String>);
    let add = move |_| {
        let decided = match decision.get_untracked().as_str() {
            "declined" => Consent::Declined,
            "pending" => Consent::Pending,
            _ => Consent::Accepted,
        };
        let note_text = opt(note.get_untracked());
        if decided == Consent::Declined && note_text.is_none() {
            local_error.set(Some(ct(i18n, "file.consent.note_required").to_string()));
            return;
        }
        let Some(on) = parse_date_input(&date.get_untracked()) else {
            local_error.set(Some(format!(
                "{}: {}",
                ct(i18n, "file.consent.date"),
                ct(i18n, "file.choose")
            )));
            return;
        };
        local_error.set(None);
        file.update(|f| {
            f.consent_history.push(ConsentRecord {
                date: on,
                decision: decided,
                note: note_text,
                recorded_by: None,
            });
            f.consent_history.sort_by_key(|r| r.date);
            if let Some(last) = f.consent_history.last() {
                f.consent = last.decision;
            }
        });
        note.set(String::new());
    };
    view! {
        <fieldset data-testid="consent-section">
            <legend>{move || ct(i18n, "file.consent")}</legend>
            <p>
                {move || ct(i18n, "file.consent.current")}": "
                <strong data-testid="consent-current">{move || consent_label(i18n.lang.get(), file.with(|f| f.consent.as_str()))}</strong>
            </p>
            <FieldError errors=errors field="consent" />
            <table class="data-table" data-testid="consent-history">
                <thead>
                    <tr>
                        <th>{move || ct(i18n, "file.consent.date")}</th>
                        <th>{move || ct(i18n, "file.consent.decision")}</th>
                        <th>{move || ct(i18n, "file.consent.note")}</th>
                    </tr>
                </thead>
                <tbody>
                    {move || file.with(|f| f.consent_history.clone()).into_iter().enumerate().map(|(index, record)| view! {
                        <tr data-testid="consent-row">
                            <td>{record.date.to_string()}</td>
                            <td>{consent_label(i18n.lang.get(), record.decision.as_str())}</td>
                            <td>{record.note.clone().unwrap_or_default()}<FieldError errors=errors field=format!("consent_history[{index}]") /></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <div class="row no-print">
                <input type="date" data-testid="consent-date" aria-label=move || ct(i18n, "file.consent.date") prop:value=move || date.get() on:input=move |e| date.set(event_target_value(&e)) />
                <select data-testid="consent-decision" aria-label=move || ct(i18n, "file.consent.decision") prop:value=move || decision.get() on:change=move |e| decision.set(event_target_value(&e))>
                    <option value="accepted">{move || consent_label(i18n.lang.get(), "accepted")}</option>
                    <option value="declined">{move || consent_label(i18n.lang.get(), "declined")}</option>
                    <option value="pending">{move || consent_label(i18n.lang.get(), "pending")}</option>
                </select>
                <input type="text" data-testid="consent-note" placeholder=move || ct(i18n, "file.consent.note") aria-label=move || ct(i18n, "file.consent.note")
                    prop:value=move || note.get() on:input=move |e| note.set(event_target_value(&e)) />
                <button type="button" class="small-button" data-testid="consent-add" on:click=add>{move || ct(i18n, "file.consent.add")}</button>
            </div>
            <Show when=move || local_error.with(Option::is_some)>
                <p class="field-error" role="alert" data-testid="consent-error">{move || local_error.get().unwrap_or_default()}</p>
            </Show>
        </fieldset>
    }
}

#[component]
fn AssignOne(elder_id: String, people: Vec<Person>, file: RwSignal<ElderFile>) -> impl IntoView {
    let i18n = use_i18n();
    let visitors = console_api::visitors(&people);
    let responsible = RwSignal::new(
        file.with_untracked(|f| f.responsible_visitor_id.clone().unwrap_or_default()),
    );
    let backup = RwSignal::new(
        file.with_untracked(|f| f.backup_visitor_ids.first().cloned().unwrap_or_default()),
    );
    let error = RwSignal::new(None::<ConsoleError>);
    let done = RwSignal::new(false);
    let submit = move |_| {
        let request = AssignRequest {
            elder_ids: vec![elder_id.clone()],
            responsible_id: opt(responsible.get_untracked()),
            backup_id: opt(backup.get_untracked()),
            ..Default::default()
        };
        error.set(None);
        done.set(false);
        spawn_local(async move {
            match console_api::assign(&request).await {
                Ok(_) => done.set(true),
                Err(failure) => error.set(Some(failure)),
            }
        });
    };
    let options = move |selected: RwSignal<String>| {
        visitors
            .iter()
            .map(|p| {
                let id = p.id.clone();
                let is = id.clone();
                view! { <option value=id selected=move || selected.get() == is>{format!("{}（{}/{}）", p.name, p.load.responsible, p.load.backup)}</option> }
            })
            .collect_view()
    };
    view! {
        <section class="assign-one" data-testid="assign-one">
            <h3>{move || ct(i18n, "assign.one")}</h3>
            <div class="row">
                <label class="field">
                    <span>{move || ct(i18n, "assign.responsible")}</span>
                    <select data-testid="assign-one-responsible" on:change=move |e| responsible.set(event_target_value(&e))>
                        <option value="">{move || ct(i18n, "assign.nobody")}</option>
                        {options(responsible)}
                    </select>
                </label>
                <label class="field">
                    <span>{move || ct(i18n, "assign.backup")}</span>
                    <select data-testid="assign-one-backup" on:change=move |e| backup.set(event_target_value(&e))>
                        <option value="">{move || ct(i18n, "assign.nobody")}</option>
                        {options(backup)}
                    </select>
                </label>
                <button type="button" class="big-button" data-testid="assign-one-submit" on:click=submit>{move || ct(i18n, "assign.submit")}</button>
            </div>
            <ConsoleErrorLine error=error testid="assign-one-error" />
            <Show when=move || done.get()>
                <p class="ok-line" data-testid="assign-one-done">{move || ct(i18n, "assign.done")}</p>
            </Show>
        </section>
    }
}

#[component]
fn RecentVisits(visits: Vec<Value>) -> impl IntoView {
    let i18n = use_i18n();
    let empty = visits.is_empty();
    let rows = visits
        .into_iter()
        .map(|v| {
            let text = |key: &str| v.get(key).and_then(Value::as_str).unwrap_or_default().to_string();
            // The worker flags visits sent from a phone whose clock was off: the date is suspect.
            let skew_days = v
                .get("device_clock_skew_ms")
                .and_then(Value::as_i64)
                .map(|ms| format!("{:.1}", ms as f64 / 86_400_000.0));
            // Evidence flags computed by the worker (`tanfang_domain::evidence`), Chinese first.
            let flags = v
                .get("evidence_flags")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|flag| flag.as_str().and_then(EvidenceFlag::parse))
                .map(|flag| view! {
                    <span class="badge warning" data-testid="file-visit-flag" data-flag=flag.as_str()>
                        {format!(" {} {}", flag.label_zh(), flag.label_en())}
                    </span>
                })
                .collect_view();
            view! {
                <li data-testid="file-visit" data-visit-id=text("id")>
                    {format!("{} · {} · {}", text("date"), text("mode"), text("visitor_name"))}
                    {flags}
                    {skew_days.map(|days| view! {
                        <span class="badge warning" data-testid="file-visit-clock-skew">
                            {format!(" {} {days} {}", ct(i18n, "file.clock_skew"), ct(i18n, "file.days"))}
                        </span>
                    })}
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="recent-visits">
            <h3>{move || ct(i18n, "file.recent_visits")}</h3>
            {if empty { view! { <p>"—"</p> }.into_any() } else { view! { <ul>{rows}</ul> }.into_any() }}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn reverification_states() {
        let today = date("2026-11-22");
        let mut file = ElderFile::default();
        assert_eq!(reverification(&file, today), Reverification::Overdue);
        file.last_reverified_on = Some(date("2026-07-01"));
        assert_eq!(reverification(&file, today), Reverification::Done);
        file.last_reverified_on = Some(date("2026-03-01"));
        assert_eq!(reverification(&file, today), Reverification::Due);
        file.last_reverified_on = Some(date("2025-12-31"));
        assert_eq!(reverification(&file, today), Reverification::Overdue);
    }

    #[test]
    fn field_paths_match_their_children() {
        assert!(field_matches("address.region_code", "address"));
        assert!(field_matches(
            "emergency_contacts[0].phone",
            "emergency_contacts[0].phone"
        ));
        assert!(field_matches(
            "consent_history[1].note",
            "consent_history[1]"
        ));
        assert!(!field_matches("names", "name"));
    }
}
