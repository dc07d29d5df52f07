"""The official openai Python SDK against Switchyard's gateway.

Run by server/tests/api/gateway/sdk.rs with SWITCHYARD_BASE_URL (the gateway's /v1) and
SWITCHYARD_TOKEN set, against a fake upstream: `fake-chat` and `fake-embed` answer,
`picky-chat` is refused with a 400. Exits non-zero on the first thing that differs.
"""

import os
import time

import openai

BASE_URL = os.environ["SWITCHYARD_BASE_URL"]
# No retries: a failure must show as it happened.
client = openai.OpenAI(base_url=BASE_URL, api_key=os.environ["SWITCHYARD_TOKEN"], max_retries=0)
HI = [{"role": "user", "content": "hi"}]


def chat():
    completion = client.chat.completions.create(model="fake-chat", messages=HI)
    assert completion.choices[0].message.content == "hello from ok", completion
    assert completion.usage.prompt_tokens == 11, completion.usage


def streamed_chat():
    texts, arrivals = [], []
    for chunk in client.chat.completions.create(model="fake-chat", messages=HI, stream=True):
        if chunk.choices and chunk.choices[0].delta.content:
            texts.append(chunk.choices[0].delta.content)
            arrivals.append(time.monotonic())
    assert "".join(texts) == "one two three", texts
    # The upstream sends a chunk every 200 ms; a buffered answer would arrive at once.
    gaps = [later - earlier for earlier, later in zip(arrivals, arrivals[1:])]
    assert all(gap >= 0.12 for gap in gaps), gaps


def embeddings():
    result = client.embeddings.create(model="fake-embed", input="hello")
    assert result.data[0].embedding == [0.25, -0.5, 0.125], result


def models():
    ids = sorted(model.id for model in client.models.list())
    assert ids == ["fake-chat", "fake-embed", "picky-chat"], ids


def bad_request_passes_through():
    try:
        client.chat.completions.create(model="picky-chat", messages=HI)
    except openai.BadRequestError as error:
        assert error.status_code == 400, error
        assert "field required" in error.message, error.message
    else:
        raise AssertionError("the upstream's 400 did not reach the SDK as BadRequestError")


def bad_token_is_refused():
    stranger = openai.OpenAI(base_url=BASE_URL, api_key="sy_not-a-real-token", max_retries=0)
    try:
        stranger.models.list()
    except openai.AuthenticationError as error:
        assert error.status_code == 401, error
    else:
        raise AssertionError("a bad token was not refused with AuthenticationError")


for check in [chat, streamed_chat, embeddings, models, bad_request_passes_through, bad_token_is_refused]:
    check()
    print(f"ok: {check.__name__}")
