use leptos::prelude::*;

use crate::components::CopyButton;

/// The languages the examples come in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    Curl,
    Python,
    JavaScript,
}

impl Lang {
    const ALL: [Lang; 3] = [Lang::Curl, Lang::Python, Lang::JavaScript];

    fn as_str(self) -> &'static str {
        match self {
            Lang::Curl => "curl",
            Lang::Python => "python",
            Lang::JavaScript => "javascript",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Lang::Curl => "curl",
            Lang::Python => "Python",
            Lang::JavaScript => "JavaScript",
        }
    }
}

/// A chat completion through the gateway at `base` (`…/v1`) with `model`, in `lang`.
pub fn snippet(lang: Lang, base: &str, model: &str) -> String {
    // A JSON string is a valid string literal in Python and JavaScript too.
    let quoted = |text: &str| serde_json::to_string(text).unwrap_or_default();
    let (base_q, model_q) = (quoted(base), quoted(model));
    match lang {
        Lang::Curl => {
            let body = format!(
                r#"{{"model": {model_q}, "messages": [{{"role": "user", "content": "Hello!"}}]}}"#
            )
            .replace('\'', r"'\''");
            format!(
                "curl {base}/chat/completions \\\n  \
                 -H \"Authorization: Bearer sy_...\" \\\n  \
                 -H \"Content-Type: application/json\" \\\n  \
                 -d '{body}'\n"
            )
        }
        Lang::Python => format!(
            "# pip install openai\n\
             from openai import OpenAI\n\n\
             client = OpenAI(base_url={base_q}, api_key=\"sy_...\")  # your Switchyard API token\n\
             reply = client.chat.completions.create(\n    \
             model={model_q},\n    \
             messages=[{{\"role\": \"user\", \"content\": \"Hello!\"}}],\n\
             )\n\
             print(reply.choices[0].message.content)\n"
        ),
        Lang::JavaScript => format!(
            "// npm install openai\n\
             import OpenAI from \"openai\";\n\n\
             const client = new OpenAI({{ baseURL: {base_q}, apiKey: \"sy_...\" }}); // your Switchyard API token\n\
             const reply = await client.chat.completions.create({{\n  \
             model: {model_q},\n  \
             messages: [{{ role: \"user\", content: \"Hello!\" }}],\n\
             }});\n\
             console.log(reply.choices[0].message.content);\n"
        ),
    }
}

/// The examples, one language at a time, filled with the base URL and the chosen model.
#[component]
pub fn Snippets(base: Signal<String>, model: RwSignal<String>, models: Vec<String>) -> impl IntoView {
    let lang = RwSignal::new(Lang::Curl);
    let text = Signal::derive(move || snippet(lang.get(), &base.get(), &model.get()));
    let tabs = Lang::ALL
        .into_iter()
        .map(|l| {
            view! {
                <button type="button" role="tab" class="tab" data-lang=l.as_str()
                    aria-selected=move || (lang.get() == l).to_string() on:click=move |_| lang.set(l)>
                    {l.label()}
                </button>
            }
        })
        .collect_view();
    view! {
        <section class="card" id="gateway-snippets">
            <h2>"Examples"</h2>
            <p class="subtitle">"Any OpenAI client works: point it at the base URL and give it an API token as the key."</p>
            <ModelPicker model models/>
            <div class="tabs" role="tablist">{tabs}</div>
            <div class="snippet">
                <pre id="snippet" tabindex="0" data-lang=move || lang.get().as_str()><code>{text}</code></pre>
                <CopyButton text/>
            </div>
        </section>
    }
}

/// The model the examples and the test prompt use; the gateway's model ids, or any.
#[component]
pub fn ModelPicker(model: RwSignal<String>, models: Vec<String>) -> impl IntoView {
    view! {
        <label class="model-picker">"Model"
            <select name="model" on:change=move |ev| model.set(event_target_value(&ev)) prop:value=move || model.get()>
                {models.into_iter().map(|id| view! { <option value=id.clone()>{id.clone()}</option> }).collect_view()}
            </select>
        </label>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_example_names_the_base_url_and_the_model() {
        for lang in Lang::ALL {
            let text = snippet(lang, "https://sy.example.com/v1", "acme-fast");
            assert!(text.contains("https://sy.example.com/v1"), "{text}");
            assert!(text.contains("\"acme-fast\""), "{text}");
            assert!(text.contains("sy_..."), "{text}");
        }
        assert!(snippet(Lang::Python, "http://h/v1", "m")
            .contains(r#"OpenAI(base_url="http://h/v1", api_key="sy_...")"#));
        assert!(snippet(Lang::JavaScript, "http://h/v1", "m").contains(r#"baseURL: "http://h/v1""#));
        assert!(snippet(Lang::Curl, "http://h/v1", "m").starts_with("curl http://h/v1/chat/completions"));
    }

    #[test]
    fn a_quote_in_a_model_id_does_not_end_the_string() {
        let curl = snippet(Lang::Curl, "http://h/v1", "it's");
        assert!(curl.contains(r#""model": "it'\''s""#), "{curl}");
        assert!(snippet(Lang::Python, "http://h/v1", "a\"b").contains(r#"model="a\"b""#));
    }
}
