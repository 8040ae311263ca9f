"""Training and evaluation speed of the project's paths against plain references.

Same process, model, reviews and max length for both sides of each pair:
- training samples/s: ``sentiment.train.fine_tune`` (Trainer, mixed precision where
  the CPU has it, batches grouped by length and padded per batch, no attention
  dropout so the fused attention kernel runs) against a plain loop like the
  report's (fp32, the base model's dropout, every batch padded to max length,
  random order);
- evaluation reviews/s: ``sentiment.evaluate.predict_proba`` against
  ``transformers.pipeline("text-classification")`` with its defaults (truncation
  switched on, as reviews over 512 tokens fail otherwise).

    python benchmarks/pipeline_speed.py [--train-reviews 256 --eval-reviews 400]
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import torch  # noqa: E402
from transformers import pipeline  # noqa: E402

from sentiment.data import load_reviews, sample  # noqa: E402
from sentiment.devices import resolve_precision  # noqa: E402
from sentiment.evaluate import predict_proba  # noqa: E402
from sentiment.model import load_classifier, load_tokenizer  # noqa: E402
from sentiment.train import TrainConfig, fine_tune  # noqa: E402


def plain_training_loop(model_name, reviews, max_length, batch_size, lr) -> float:
    """The report's loop, with its once-per-epoch ``optimizer.step()`` bug fixed. Returns samples/s."""
    tokenizer = load_tokenizer(model_name)
    model = load_classifier(model_name).train()
    encoded = tokenizer(reviews["review"].tolist(), padding="max_length", truncation=True,
                        max_length=max_length, return_tensors="pt")
    labels = torch.tensor(reviews["label"].to_numpy())
    dataset = torch.utils.data.TensorDataset(encoded["input_ids"], encoded["attention_mask"], labels)
    loader = torch.utils.data.DataLoader(dataset, batch_size=batch_size, shuffle=True)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr)
    start = time.perf_counter()
    for input_ids, attention_mask, y in loader:
        optimizer.zero_grad()
        loss = model(input_ids=input_ids, attention_mask=attention_mask, labels=y).loss
        loss.backward()
        optimizer.step()
    return len(reviews) / (time.perf_counter() - start)


def forward_gflop(config, lengths) -> float:
    """Multiply-add work of one forward pass over reviews of these token counts (embeddings and head are negligible)."""
    h, i = config.hidden_size, config.intermediate_size
    per_token = 2 * (4 * h * h + 2 * h * i)  # Q, K, V, output projection; feed-forward in and out
    return sum(config.num_hidden_layers * (n * per_token + 4 * n * n * h) for n in lengths) / 1e9


def matmul_gflops(dtype, config, rows=8192, repeats=10) -> float:
    """This CPU's throughput on the model's largest matrix product (tokens x hidden @ hidden x intermediate)."""
    a = torch.randn(rows, config.hidden_size, dtype=dtype)
    b = torch.randn(config.hidden_size, config.intermediate_size, dtype=dtype)
    a @ b
    start = time.perf_counter()
    for _ in range(repeats):
        a @ b
    return 2 * rows * config.hidden_size * config.intermediate_size * repeats / (time.perf_counter() - start) / 1e9


def project_training(model_name, reviews, max_length, batch_size, lr) -> tuple[float, str]:
    config = TrainConfig(model=model_name, max_length=max_length, batch_size=batch_size, learning_rate=lr,
                         device="cpu", eval_every=10**6, progress=False)
    with tempfile.TemporaryDirectory() as work:
        result = fine_tune(reviews, reviews.head(8), config, work)
    return result.timings["training_samples_per_s"], result.precision


def evaluation_speed(model, tokenizer, texts, max_length) -> None:
    """Print both evaluation paths' reviews/s at ``max_length``, and the ceiling of this CPU."""
    classify = pipeline("text-classification", model=model, tokenizer=tokenizer, device="cpu")
    start = time.perf_counter()
    classify(texts, truncation=True, max_length=max_length)
    reference = len(texts) / (time.perf_counter() - start)
    eval_precision = resolve_precision("cpu")
    start = time.perf_counter()
    predict_proba(model, tokenizer, texts, max_length, "cpu", eval_precision, batch_size=32)
    ours = len(texts) / (time.perf_counter() - start)
    print(f"evaluation at {max_length} tokens: transformers.pipeline (defaults): {reference:6.2f} reviews/s")
    print(f"evaluation at {max_length} tokens: sentiment.evaluate ({eval_precision}, sorted by length): "
          f"{ours:6.2f} reviews/s   speed-up {ours / reference:.2f}x")

    # How far any evaluation speed-up can go: both sides do the same arithmetic, so the
    # ratio is bounded by how much faster this CPU multiplies in bf16 than the pipeline runs in fp32.
    lengths = [len(ids) for ids in tokenizer(texts, truncation=True, max_length=max_length)["input_ids"]]
    work = forward_gflop(model.config, lengths)
    fp32_peak, bf16_peak = (matmul_gflops(dtype, model.config) for dtype in (torch.float32, torch.bfloat16))
    pipeline_rate = work * reference / len(texts)
    print(f"evaluation arithmetic at {max_length} tokens: {work / len(texts):.1f} GFLOP per review; the pipeline "
          f"ran at {pipeline_rate:.0f} GFLOP/s, sentiment.evaluate at {work * ours / len(texts):.0f} GFLOP/s")
    print(f"matrix products on this CPU: fp32 {fp32_peak:.0f} GFLOP/s, bf16 {bf16_peak:.0f} GFLOP/s; "
          f"ceiling for any bf16 evaluation: {bf16_peak / pipeline_rate:.2f}x the pipeline")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="minilm")
    parser.add_argument("--train-reviews", type=int, default=256)
    parser.add_argument("--eval-reviews", type=int, default=400)
    parser.add_argument("--max-length", type=int, nargs="+", default=[256],
                        help="token budgets; training is timed at the first, evaluation at each")
    parser.add_argument("--skip-training", action="store_true", help="time only the evaluation paths")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    train = sample(load_reviews("train"), args.train_reviews, args.seed)
    test = sample(load_reviews("test"), args.eval_reviews, args.seed)
    print(f"model {args.model}, max length {', '.join(map(str, args.max_length))}, {torch.get_num_threads()} "
          f"threads, {len(train)} training and {len(test)} evaluation reviews")

    if not args.skip_training:
        length = args.max_length[0]
        plain = plain_training_loop(args.model, train, length, args.batch_size, 5e-5)
        ours, precision = project_training(args.model, train, length, args.batch_size, 5e-5)
        print(f"training   plain loop (fp32, padded to {length}): {plain:6.2f} samples/s")
        print(f"training   sentiment.train ({precision}, grouped by length, no attention dropout): "
              f"{ours:6.2f} samples/s   speed-up {ours / plain:.2f}x")

    tokenizer, model = load_tokenizer(args.model), load_classifier(args.model).eval()
    for length in args.max_length:
        evaluation_speed(model, tokenizer, test["review"].tolist(), length)


if __name__ == "__main__":
    main()
