/*
 * C peer for `npm run bench -- geometry`: the Geometry model in the scaling-law setting, the
 * same sparse-batch algorithm as skillsim's, written as a careful C programmer would, with no
 * timeline and no trace (so it is the limit a run could approach, not a like-for-like report):
 *   - xoshiro128** uniforms, Marsaglia polar normals; n unit-length Gaussian rows t_i;
 *   - p_i ~ i^-zipf; each step B alias draws (Walker/Vose), counted per distinct skill;
 *   - ce loss: z = t_i . x for the drawn skills only, g = -(1/B) sum counts_i (1 - s_i) t_i;
 *   - adam (0.9, 0.999, 1e-8, bias-corrected, eps after the sqrt) or sign descent.
 *
 * build: cc -O3 -march=native -o geometry_c geometry_c.c -lm   (bench/geometry.ts does this)
 * usage: geometry_c N STEPS [n_skills] [zipf] [batch] [optimizer] [lr] [seed]
 * prints: us/step=... (wall clock of the whole simulation, set-up included) final_loss=... cpu_s=...
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint32_t s[4];
static inline uint32_t rotl(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }
static inline uint32_t next_u32(void) {
  uint32_t r = rotl(s[1] * 5, 7) * 9, t = s[1] << 9;
  s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t; s[3] = rotl(s[3], 11);
  return r;
}
static inline double next_double(void) {
  uint32_t hi = next_u32() >> 5, lo = next_u32() >> 6;
  return (hi * 67108864.0 + lo) / 9007199254740992.0;
}
static double spare; static int has_spare;
static double normal(void) {
  if (has_spare) { has_spare = 0; return spare; }
  double u, v, q;
  do { u = 2 * next_double() - 1; v = 2 * next_double() - 1; q = u * u + v * v; } while (q >= 1 || q == 0);
  double f = sqrt(-2 * log(q) / q);
  spare = v * f; has_spare = 1;
  return u * f;
}

/* t . x with eight independent partial sums (strict IEEE order, so the compiler may use
   4-lane vectors for them without -ffast-math) */
static inline double dot(const double *r, const double *x, int N) {
  double a[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int j = 0;
  for (; j + 8 <= N; j += 8)
    for (int l = 0; l < 8; l++) a[l] += r[j + l] * x[j + l];
  for (; j < N; j++) a[0] += r[j] * x[j];
  return ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]));
}

static double now(void) { struct timespec ts; clock_gettime(CLOCK_MONOTONIC, &ts); return ts.tv_sec + 1e-9 * ts.tv_nsec; }
static double cpu(void) { struct timespec ts; clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts); return ts.tv_sec + 1e-9 * ts.tv_nsec; }

int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: geometry_c N STEPS [n] [zipf] [batch] [adam|signgd] [lr] [seed]\n"); return 2; }
  double w0 = now(), c0 = cpu();
  int N = atoi(argv[1]), steps = atoi(argv[2]);
  int n = argc > 3 ? atoi(argv[3]) : 1000;
  double zipf = argc > 4 ? atof(argv[4]) : 1.0;
  int B = argc > 5 ? atoi(argv[5]) : 1024;
  int adam = argc > 6 ? strcmp(argv[6], "signgd") != 0 : 1;
  double lr = argc > 7 ? atof(argv[7]) : 0.01;
  uint32_t seed = argc > 8 ? (uint32_t)atoi(argv[8]) : 0;
  uint32_t h = seed * 0x9e3779b9u + 0x2545f491u;
  for (int k = 0; k < 4; k++) { h += 0x9e3779b9u; uint32_t x = h; x ^= x >> 16; x *= 0x85ebca6bu; x ^= x >> 13; x *= 0xc2b2ae35u; x ^= x >> 16; s[k] = x ? x : 0x1234567u; }

  double *T = malloc(sizeof(double) * (size_t)n * N), *p = malloc(sizeof(double) * n);
  for (int i = 0; i < n; i++) {
    double *r = T + (size_t)i * N, sq = 0;
    for (int j = 0; j < N; j++) { r[j] = normal(); sq += r[j] * r[j]; }
    double inv = 1 / sqrt(sq);
    for (int j = 0; j < N; j++) r[j] *= inv;
  }
  double total = 0;
  for (int i = 0; i < n; i++) total += p[i] = pow(i + 1, -zipf);
  for (int i = 0; i < n; i++) p[i] /= total;
  /* alias table (Vose) */
  double *prob = malloc(sizeof(double) * n), *sc = malloc(sizeof(double) * n);
  int *alias = malloc(sizeof(int) * n), *small = malloc(sizeof(int) * n), *large = malloc(sizeof(int) * n);
  int ns = 0, nl = 0;
  for (int i = 0; i < n; i++) { sc[i] = p[i] * n; if (sc[i] < 1) small[ns++] = i; else large[nl++] = i; }
  while (ns && nl) {
    int a = small[--ns], l = large[--nl];
    prob[a] = sc[a]; alias[a] = l; sc[l] += sc[a] - 1;
    if (sc[l] < 1) small[ns++] = l; else large[nl++] = l;
  }
  while (nl) { int l = large[--nl]; prob[l] = 1; alias[l] = l; }
  while (ns) { int a = small[--ns]; prob[a] = 1; alias[a] = a; }

  double *x = calloc(N, sizeof(double)), *m = calloc(N, sizeof(double)), *v = calloc(N, sizeof(double)), *g = malloc(sizeof(double) * N);
  int *counts = calloc(n, sizeof(int)), *touched = malloc(sizeof(int) * (n + 1));
  double *w = malloc(sizeof(double) * n);
  const double b1 = 0.9, b2 = 0.999, eps = 1e-8;
  double b1t = 1, b2t = 1;
  for (int t = 1; t <= steps; t++) {
    int mm = 0;
    for (int b = 0; b < B; b++) {
      double u = next_double() * n;
      int c = (int)u;
      int i = (u - c < prob[c]) ? c : alias[c];
      if (counts[i]++ == 0) touched[mm++] = i;
    }
    for (int k = 0; k < mm; k++) {
      int i = touched[k];
      const double *r = T + (size_t)i * N;
      double z = dot(r, x, N);
      w[k] = -((double)counts[i] / B) / (1 + exp(z)); /* -(c/B) (1 - sigmoid(z)) */
      counts[i] = 0;
    }
    memset(g, 0, sizeof(double) * N);
    for (int k = 0; k < mm; k++) {
      const double *r = T + (size_t)touched[k] * N, wk = w[k];
      for (int j = 0; j < N; j++) g[j] += wk * r[j];
    }
    if (adam) {
      b1t *= b1; b2t *= b2;
      const double c1 = 1 - b1t, c2 = 1 - b2t;
      for (int j = 0; j < N; j++) {
        m[j] = b1 * m[j] + (1 - b1) * g[j];
        v[j] = b2 * v[j] + (1 - b2) * g[j] * g[j];
        x[j] -= lr * (m[j] / c1) / (sqrt(v[j] / c2) + eps);
      }
    } else {
      for (int j = 0; j < N; j++) x[j] -= lr * g[j] / (fabs(g[j]) + eps);
    }
  }
  double loss = 0;
  for (int i = 0; i < n; i++) {
    const double *r = T + (size_t)i * N;
    double z = dot(r, x, N);
    loss += p[i] * (z >= 0 ? log1p(exp(-z)) : -z + log1p(exp(z)));
  }
  double el = now() - w0;
  printf("c N=%d steps=%d us/step=%.2f final_loss=%.5f cpu_s=%.4f\n", N, steps, el / steps * 1e6, loss, cpu() - c0);
  return 0;
}
