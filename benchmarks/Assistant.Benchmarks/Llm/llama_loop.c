/*
 * The plain C decode loop that `assistant bench-llm` measures the C# generator against: the same llama.cpp
 * library (loaded with dlopen from the folder the C# side uses), the same model, prompt, threads and greedy
 * sampling, with nothing else around it. Compiled with the machine's gcc when the benchmark runs.
 *
 * Usage: llama_loop LIBDIR MODEL THREADS GPU_LAYERS CONTEXT TOKENS PROMPT
 * Prints one line: "tokens=<n> seconds=<s>", the best of three timed runs after a warm-up, each timing prompt decode + TOKENS samples + (TOKENS - 1) decodes,
 * the same work the C# loop does for a request of TOKENS tokens.
 *
 * The structs below are declared by this project from llama.cpp v0.5.0's documented x86-64 layout (see
 * NATIVE-NOTES.md); only the fields this loop sets are named.
 */
#define _POSIX_C_SOURCE 199309L
#include <dlfcn.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct model_params {            /* 80 bytes */
    void *devices, *buft_overrides;
    int32_t n_gpu_layers, split_mode, load_mode, lazy_mode, main_gpu;
    const float *tensor_split;
    void *progress, *progress_data, *kv_overrides;
    uint8_t flags[6];
};

struct context_params {          /* 160 bytes */
    uint32_t n_ctx, n_batch, n_ubatch, n_seq_max, n_rs_seq, n_outputs_max, n_outputs_max_per_seq;
    int32_t n_threads, n_threads_batch;
    int32_t enums[5];
    float floats[6];
    uint32_t yarn_orig_ctx;
    float defrag_thold;
    void *cb_eval, *cb_eval_data;
    int32_t type_k, type_v;
    void *abort_cb, *abort_data;
    uint8_t embeddings, offload_kqv, no_perf, op_offload, swa_full, kv_unified;
    void *samplers;
    size_t n_samplers;
    void *ctx_other;
};

struct batch {                   /* 56 bytes, passed by value */
    int32_t n_tokens;
    int32_t *token;
    float *embd;
    int32_t *pos, *n_seq_id, **seq_id;
    int8_t *logits;
};

struct chain_params { uint8_t no_perf; };

static void *need(void *lib, const char *name) {
    void *f = dlsym(lib, name);
    if (!f) { fprintf(stderr, "llama_loop: %s not found\n", name); exit(2); }
    return f;
}

static void *open_lib(const char *dir, const char *prefix) {
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[4096];
    if (!d) { fprintf(stderr, "llama_loop: cannot open %s\n", dir); exit(2); }
    while ((e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, prefix, strlen(prefix)) == 0 && strstr(e->d_name, ".so")) {
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            closedir(d);
            void *lib = dlopen(path, RTLD_NOW | RTLD_GLOBAL);
            if (!lib) { fprintf(stderr, "llama_loop: %s\n", dlerror()); exit(2); }
            return lib;
        }
    }
    closedir(d);
    fprintf(stderr, "llama_loop: no %s*.so in %s\n", prefix, dir);
    exit(2);
}

static void quiet(int level, const char *text, void *data) { (void)level; (void)text; (void)data; }

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    if (argc != 8) {
        fprintf(stderr, "usage: llama_loop LIBDIR MODEL THREADS GPU_LAYERS CONTEXT TOKENS PROMPT\n");
        return 2;
    }
    const char *dir = argv[1], *model_path = argv[2], *prompt = argv[7];
    int threads = atoi(argv[3]), gpu_layers = atoi(argv[4]), n_ctx = atoi(argv[5]), n_gen = atoi(argv[6]);

    void *ggml = open_lib(dir, "libggml.");
    void *llama = open_lib(dir, "libllama.");
    ((void (*)(const char *))need(ggml, "ggml_backend_load_all_from_path"))(dir);
    ((void (*)(void (*)(int, const char *, void *), void *))need(llama, "llama_log_set"))(quiet, NULL);
    ((void (*)(void))need(llama, "llama_backend_init"))();

    struct model_params mp = ((struct model_params (*)(void))need(llama, "llama_model_default_params"))();
    mp.n_gpu_layers = gpu_layers;
    void *model = ((void *(*)(const char *, struct model_params))need(llama, "llama_model_load_from_file"))(model_path, mp);
    if (!model) { fprintf(stderr, "llama_loop: cannot load %s\n", model_path); return 1; }
    void *vocab = ((void *(*)(void *))need(llama, "llama_model_get_vocab"))(model);

    struct context_params cp = ((struct context_params (*)(void))need(llama, "llama_context_default_params"))();
    cp.n_ctx = (uint32_t)n_ctx;
    cp.n_batch = cp.n_ubatch = 512;
    cp.n_seq_max = 1;
    cp.n_threads = cp.n_threads_batch = threads;
    cp.no_perf = 1;
    void *ctx = ((void *(*)(void *, struct context_params))need(llama, "llama_init_from_model"))(model, cp);
    if (!ctx) { fprintf(stderr, "llama_loop: cannot create a context\n"); return 1; }

    int32_t (*tokenize)(void *, const char *, int32_t, int32_t *, int32_t, _Bool, _Bool) = need(llama, "llama_tokenize");
    int32_t (*decode)(void *, struct batch) = need(llama, "llama_decode");
    struct batch (*get_one)(int32_t *, int32_t) = need(llama, "llama_batch_get_one");
    int32_t (*sample)(void *, void *, int32_t) = need(llama, "llama_sampler_sample");
    int32_t (*to_piece)(void *, int32_t, char *, int32_t, int32_t, _Bool) = need(llama, "llama_token_to_piece");
    void *(*memory)(void *) = need(llama, "llama_get_memory");
    void (*memory_clear)(void *, _Bool) = need(llama, "llama_memory_clear");

    struct chain_params chp = { 1 };
    void *chain = ((void *(*)(struct chain_params))need(llama, "llama_sampler_chain_init"))(chp);
    ((void (*)(void *, void *))need(llama, "llama_sampler_chain_add"))(chain, ((void *(*)(void))need(llama, "llama_sampler_init_greedy"))());

    int32_t tokens[4096];
    int32_t n_prompt = tokenize(vocab, prompt, (int32_t)strlen(prompt), tokens, 4096, 1, 0);
    if (n_prompt <= 0 || n_prompt + n_gen > n_ctx) { fprintf(stderr, "llama_loop: prompt does not fit\n"); return 1; }

    char piece[256];
    double best = 1e30;
    for (int round = 0; round < 4; round++) {          /* round 0 warms up; best of the other three */
        memory_clear(memory(ctx), 1);
        if (decode(ctx, get_one(tokens, n_prompt)) != 0) { fprintf(stderr, "llama_loop: decode failed\n"); return 1; }
        int32_t token = sample(chain, ctx, -1);
        to_piece(vocab, token, piece, sizeof piece, 0, 0);
        double start = now();
        for (int i = 1; i < n_gen; i++) {
            if (decode(ctx, get_one(&token, 1)) != 0) { fprintf(stderr, "llama_loop: decode failed\n"); return 1; }
            token = sample(chain, ctx, -1);
            to_piece(vocab, token, piece, sizeof piece, 0, 0);
        }
        double seconds = now() - start;
        if (round > 0 && seconds < best) best = seconds;
    }
    printf("tokens=%d seconds=%.6f\n", n_gen - 1, best);
    return 0;
}
