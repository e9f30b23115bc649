"""The Python half of the compatibility suite: the official `openai` and `anthropic` packages,
unchanged but for their base URL, against a running Deja. Prints one JSON object of observations;
`sdk-compat.int-spec.ts` asserts on it. Every HTTP attempt is counted through an httpx event hook,
so the SDKs' default retries (2) would show.

Usage: python sdk_compat.py <deja url> <api key> <run id>
"""

import json
import sys

import anthropic
import httpx2 as httpx  # the HTTP client both SDKs are built on (httpx2 in these versions)
import openai

URL, KEY, RUN = sys.argv[1], sys.argv[2], sys.argv[3]
WEATHER = {
    "type": "object",
    "additionalProperties": False,
    "required": ["city", "unit"],
    "properties": {"city": {"type": "string"}, "unit": {"type": "string", "enum": ["C", "F"]}},
}
attempts = {"n": 0}


def count(_request):
    attempts["n"] += 1


def http():
    return httpx.Client(event_hooks={"request": [count]})


oa = openai.OpenAI(api_key=KEY, base_url=f"{URL}/v1", http_client=http())
oa_once = openai.OpenAI(api_key=KEY, base_url=f"{URL}/v1", max_retries=0)
an = anthropic.Anthropic(api_key=KEY, base_url=URL, http_client=http())
an_once = anthropic.Anthropic(api_key=KEY, base_url=URL, max_retries=0)
out = {}


def q(text):
    return f"{text} (py-{RUN})"


def failure(fn):
    """Runs fn, expecting an SDK error; returns what code checking it would read."""
    attempts["n"] = 0
    try:
        fn()
    except (openai.APIStatusError, anthropic.APIStatusError) as e:
        body = e.body if isinstance(e.body, dict) else {}
        inner = body.get("error", body) if isinstance(body.get("error", body), dict) else {}
        return {
            "class": type(e).__name__,
            "status": e.status_code,
            "type": getattr(e, "type", None) or inner.get("type"),
            "code": getattr(e, "code", None),
            "param": getattr(e, "param", None),
            "should_retry": e.response.headers.get("x-should-retry"),
            "retry_after": e.response.headers.get("retry-after"),
            "attempts": attempts["n"],
        }
    return {"class": None}


def user(text):
    return [{"role": "user", "content": text}]


# OpenAI: plain, streaming, forced tool, structured output, errors.
first = oa.chat.completions.with_raw_response.create(model="gpt-4o-mini", messages=user(q("Capital of Spain?")))
again = oa.chat.completions.with_raw_response.create(model="gpt-4o-mini", messages=user(q("Capital of Spain?")))
out["openai_plain"] = {
    "content": first.parse().choices[0].message.content,
    "cache": [first.headers.get("x-deja-cache"), again.headers.get("x-deja-cache")],
}
streamed = "".join(
    chunk.choices[0].delta.content or ""
    for chunk in oa.chat.completions.create(model="gpt-4o-mini", messages=user(q("Stream")), stream=True)
    if chunk.choices
)
out["openai_stream"] = streamed
tool = oa.chat.completions.create(
    model="gpt-4o-mini",
    messages=user(q("Weather in Oslo?")),
    tools=[{"type": "function", "function": {"name": "get_weather", "parameters": WEATHER, "strict": True}}],
    tool_choice="required",
)
call = tool.choices[0].message.tool_calls[0]
out["openai_tool"] = {
    "finish": tool.choices[0].finish_reason,
    "name": call.function.name,
    "arguments": json.loads(call.function.arguments),
}
structured = oa.chat.completions.create(
    model="gpt-4o-mini",
    messages=user(q("Weather as JSON")),
    response_format={"type": "json_schema", "json_schema": {"name": "weather", "schema": WEATHER, "strict": True}},
)
out["openai_json"] = json.loads(structured.choices[0].message.content)
out["openai_errors"] = {
    "not_found": failure(lambda: oa.chat.completions.create(model="gpt-9-imaginary", messages=user(q("x")))),
    "bad_request": failure(lambda: oa.chat.completions.create(model="gpt-4o-mini", messages=user(q("[fault:400]")))),
    "auth": failure(lambda: oa.chat.completions.create(model="gpt-4o-mini", messages=user(q("[fault:401]")))),
    "refused": failure(
        lambda: oa.chat.completions.create(model="gpt-4o-mini", messages=user(q("lp")), logprobs=True)
    ),
    "rate_limited": failure(
        lambda: oa_once.chat.completions.create(model="gpt-4o-mini", messages=user(q("[fault:429]")))
    ),
}

# Anthropic: plain, streaming, forced tool, errors.
msg = an.messages.create(model="claude-sonnet-4-6", max_tokens=100, messages=user(q("Vacation days?")))
out["anthropic_plain"] = {"type": msg.content[0].type, "text": msg.content[0].text, "stop": msg.stop_reason}
with an.messages.stream(model="claude-sonnet-4-6", max_tokens=100, messages=user(q("Stream"))) as s:
    out["anthropic_stream"] = s.get_final_text()
used = an.messages.create(
    model="claude-sonnet-4-6",
    max_tokens=300,
    messages=user(q("Weather in Bergen?")),
    tools=[{"name": "get_weather", "description": "Weather", "input_schema": WEATHER}],
    tool_choice={"type": "any"},
)
block = next(b for b in used.content if b.type == "tool_use")
out["anthropic_tool"] = {"stop": used.stop_reason, "name": block.name, "input": block.input}
out["anthropic_errors"] = {
    "not_found": failure(
        lambda: an.messages.create(model="claude-imaginary-9", max_tokens=10, messages=user(q("x")))
    ),
    "permission": failure(
        lambda: an.messages.create(model="claude-sonnet-4-6", max_tokens=10, messages=user(q("[fault:403]")))
    ),
    "refused": failure(
        lambda: an.messages.create(
            model="claude-sonnet-4-6",
            max_tokens=3000,
            messages=user(q("think")),
            thinking={"type": "enabled", "budget_tokens": 2048},
        )
    ),
    "overloaded": failure(
        lambda: an_once.messages.create(model="claude-sonnet-4-6", max_tokens=10, messages=user(q("[fault:529]")))
    ),
}
print(json.dumps(out))
