//! Tests of `definition`.

use super::*;

fn key_field() -> FieldSpec {
    FieldSpec {
        name: KEY_FIELD.into(),
        label: "API key".into(),
        help: None,
        secret: true,
        required: true,
        placeholder: None,
        pattern: None,
    }
}

fn definition() -> TemplateDefinition {
    TemplateDefinition {
        auth: AuthScheme::Bearer,
        extra_headers: vec![],
        fields: vec![key_field()],
        test_request: Some(RequestSpec {
            method: "GET".into(),
            path: "/models".into(),
        }),
        models_request: Some(ModelsRequestSpec {
            path: "/models".into(),
            items_pointer: "/data".into(),
            id_field: "id".into(),
        }),
        gateway: Some(GatewaySpec::default()),
    }
}

fn field_of(err: DomainError) -> String {
    match err {
        DomainError::Validation { field, .. } => field,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[test]
fn a_plain_definition_is_valid_and_round_trips() {
    let d = definition();
    d.validate().unwrap();
    assert_eq!(TemplateDefinition::from_json(&d.to_json()).unwrap(), d);
}

#[test]
fn duplicate_field_names_are_refused() {
    let mut d = definition();
    d.fields.push(key_field());
    assert_eq!(field_of(d.validate().unwrap_err()), "fields[1].name");
}

#[test]
fn invalid_patterns_are_refused() {
    let mut d = definition();
    d.fields.push(FieldSpec {
        name: "region".into(),
        label: "Region".into(),
        pattern: Some("([a-z".into()),
        secret: false,
        required: false,
        help: None,
        placeholder: None,
    });
    assert_eq!(field_of(d.validate().unwrap_err()), "fields[1].pattern");
}

#[test]
fn a_key_sending_scheme_needs_a_secret_api_key_field() {
    let mut d = definition();
    d.auth = AuthScheme::Query { name: "key".into() };
    d.fields[0].secret = false;
    assert_eq!(field_of(d.validate().unwrap_err()), "fields");
    d.fields.clear();
    assert_eq!(field_of(d.validate().unwrap_err()), "fields");
    d.auth = AuthScheme::None;
    d.validate().unwrap();
}

#[test]
fn text_the_form_shows_holds_no_control_or_invisible_character() {
    // PostgreSQL refuses NUL in a stored definition: each used to be a 500 there.
    type Spoil = fn(&mut TemplateDefinition);
    let cases: [(Spoil, &str); 6] = [
        (|d| d.fields[0].label = "API\u{202E}key".into(), "fields[0].label"),
        (|d| d.fields[0].help = Some("nul\0".into()), "fields[0].help"),
        (
            |d| d.fields[0].placeholder = Some("bell\u{7}".into()),
            "fields[0].placeholder",
        ),
        (
            |d| d.fields[0].pattern = Some("sk-\0.*".into()),
            "fields[0].pattern",
        ),
        (
            |d| d.models_request.as_mut().unwrap().items_pointer = "/da\0ta".into(),
            "modelsRequest.itemsPointer",
        ),
        (
            |d| d.models_request.as_mut().unwrap().id_field = "i\0d".into(),
            "modelsRequest.idField",
        ),
    ];
    for (spoil, field) in cases {
        let mut d = definition();
        spoil(&mut d);
        assert_eq!(field_of(d.validate().unwrap_err()), field);
    }
    let mut d = definition();
    d.fields[0].help = Some("Two lines:\nboth shown.".into());
    d.validate().unwrap();
}

#[test]
fn paths_must_be_relative() {
    for bad in [
        "models",
        "https://evil.example/models",
        "//evil.example/x",
        "/../admin",
        "/a b",
    ] {
        let mut d = definition();
        d.test_request = Some(RequestSpec {
            method: "GET".into(),
            path: bad.into(),
        });
        assert_eq!(field_of(d.validate().unwrap_err()), "testRequest.path", "{bad}");
    }
}

#[test]
fn gateway_prefixes_and_queries_are_checked() {
    let with = |spec: GatewaySpec| {
        let mut d = definition();
        d.gateway = Some(spec);
        d.validate().map_err(field_of)
    };
    assert_eq!(
        with(GatewaySpec {
            path_prefix: "/openai/deployments/{deployment}".into(),
            query: Some("api-version={api_version}".into()),
            ..GatewaySpec::default()
        }),
        Ok(())
    );
    assert_eq!(
        with(GatewaySpec {
            path_prefix: "https://evil.example".into(),
            ..GatewaySpec::default()
        }),
        Err("gateway.pathPrefix".into())
    );
    assert_eq!(
        with(GatewaySpec {
            query: Some("?a=b".into()),
            ..GatewaySpec::default()
        }),
        Err("gateway.query".into())
    );
    assert_eq!(
        with(GatewaySpec {
            auth: Some(AuthScheme::Header {
                name: "bad name".into()
            }),
            ..GatewaySpec::default()
        }),
        Err("gateway.auth.name".into())
    );
}

#[test]
fn placeholders_take_plain_fields_only() {
    let mut d = definition();
    d.fields.push(FieldSpec {
        name: "deployment".into(),
        label: "Deployment".into(),
        help: None,
        secret: false,
        required: true,
        placeholder: None,
        pattern: None,
    });
    let fields = HashMap::from([
        ("api_key".to_owned(), SecretString::from("sk-secret".to_owned())),
        ("deployment".to_owned(), SecretString::from("gpt 4o".to_owned())),
    ]);
    assert_eq!(
        d.fill_placeholders("/d/{deployment}/{api_key}", &fields),
        "/d/gpt%204o/{api_key}"
    );
}

#[test]
fn unknown_keys_in_stored_json_are_refused() {
    let mut json = definition().to_json();
    json["surprise"] = serde_json::json!(true);
    assert!(TemplateDefinition::from_json(&json).is_err());
}
