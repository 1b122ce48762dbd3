#!/usr/bin/env python3
"""Train a gradscope model in PyTorch: the same data file, preprocessing, split, layers, loss,
optimizer and settings as the gradscope experiment it was exported from.

Written by `gradscope export-pytorch`. Needs torch, safetensors and numpy, and pillow for a
folder of images:

    python -m venv venv && venv/bin/pip install torch safetensors numpy pillow

Command lines:

    python train.py                                 # train from fresh weights (gradscope's init)
    python train.py --init model.safetensors        # continue from the exported weights
    python train.py --epochs 0 --init model.safetensors   # only evaluate the exported weights
    python train.py --device cuda --save trained.safetensors
    torchrun --nproc_per_node 2 train.py --device cpu      # data-parallel, 2 processes (gloo)
    torchrun --nproc_per_node 4 train.py --device cuda     # one process per GPU (nccl)

It prints one JSON line on stdout with the metric names of `gradscope train --json`:
`train_loss` and `test_loss` are the mean loss over the whole training / test split at the
final weights (not the mean of the mini-batch losses seen during the last epoch, which is
`epoch_batch_loss`); accuracies are shares in [0, 1] (null for regression).

`--save FILE.safetensors` writes the weights with the exported metadata, so that
`gradscope train --config exp.json --load-weights FILE.safetensors` reads them back.
"""

import argparse
import csv
import functools
import gzip
import io
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.distributed as dist
import torch.nn as nn
from safetensors import safe_open
from safetensors.torch import load_file, save_file

HERE = os.path.dirname(os.path.abspath(__file__))

# Everything gradscope knew about the experiment: data, preprocessing, training settings.
# (The split lives next to this file in split.json.)
CONFIG = json.loads(r"""__GRADSCOPE_CONFIG__""")


def build_model():
    """The model as gradscope builds it; module indices match the safetensors names."""
    return __GRADSCOPE_MODEL__


# ---------------------------------------------------------------------------------------------
# Data: read the file exactly as gradscope's importer did, then preprocess with the recorded
# statistics (never refitted here, so the inputs are the ones gradscope trained on).
# ---------------------------------------------------------------------------------------------

MISSING = {"", "?", "na", "n/a", "nan"}


def read_bytes(path):
    with open(path, "rb") as f:
        data = f.read()
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


F32_MAX = float(np.finfo(np.float32).max)
# The largest float64 that rounds to a finite float32 (below it, float32(x) is at most F32_MAX).
F32_MAX_ROUNDED = float(np.nextafter(np.float64(F32_MAX) + 2.0 ** 103, 0))


def grouped(digits, separator, min_groups):
    """True for d{1,3}(separator ddd)+ with at least `min_groups` separators."""
    parts = digits.split(separator)
    return (1 <= len(parts[0]) <= 3 and parts[0].isdigit()
            and all(len(p) == 3 and p.isdigit() for p in parts[1:])
            and len(parts) - 1 >= min_groups)


def parse_number(cell, decimal_comma):
    """A cell as a number, or None when it is missing or not a number (then it is filled).

    gradscope's rules (`gradscope inspect --help`, "What a cell is"): Rust's float syntax, or
    ',' between groups of three digits (1,444.7); with a decimal comma 0,5, 2.907,5,
    1.234.567 and 1.5 (an ambiguous 1.444 is read as 1.444 here, cell by cell). The value must
    be finite also as a 32-bit float.
    """
    text = cell.strip()
    if text.lower() in MISSING:
        return None
    # Python's float() also takes digit separators '_' and non-ASCII digits; Rust's does not.
    if not text.isascii() or "_" in text:
        return None
    sign, body = (text[0], text[1:]) if text[:1] in ("-", "+") else ("", text)
    if not decimal_comma:
        if "," in body:
            whole, dot, frac = body.partition(".")
            if not grouped(whole, ",", 1) or (dot and frac and not frac.isdigit()):
                return None
            text = sign + whole.replace(",", "") + dot + frac
    elif "," in body:
        whole, _, frac = body.partition(",")
        if "," in frac or "." in frac:
            return None
        if whole.isdigit() or whole == "" or grouped(whole, ".", 1):
            text = sign + whole.replace(".", "") + "." + frac
        else:
            return None
    elif grouped(body, ".", 2):
        text = sign + body.replace(".", "")
    try:
        value = float(text)
    except ValueError:
        return None
    return value + 0.0 if math.isfinite(value) and abs(value) <= F32_MAX_ROUNDED else None


def table_records(path, options):
    """The data records of a CSV/TSV file as gradscope counts them (split.json's row numbers).

    The whole text is parsed at once, so line ends inside quoted cells stay in the cell. An
    Excel `sep=` first line is left out; so are blank lines and lines of white space alone
    anywhere, and, before the first record, records of empty cells (`,,`). After the first
    record a record of empty cells is a row (gradscope leaves it out of the split for its
    missing label). The first record is the header when the import found one.
    """
    text = read_bytes(path).decode("utf-8-sig")
    first_end = len(text.split("\n", 1)[0].split("\r", 1)[0])
    if text[:first_end].strip().lower().startswith("sep="):
        text = text[first_end:]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=options["delimiter"], quotechar='"')
    records = []
    for row in reader:
        if not any(cell.strip() for cell in row) and (not records or len(row) <= 1):
            continue
        records.append(row)
    return records[1:] if options["has_header"] else records


def table_inputs(records, prep):
    """Features (float32, N x F) of `records`, filled and standardised as gradscope did."""
    decimal_comma = prep["csv"]["decimal_comma"] if prep.get("csv") else False
    width = len(prep["feature_names"])
    x = np.zeros((len(records), width), dtype=np.float32)
    fill = prep.get("fill_values")
    for i, row in enumerate(records):
        j = 0
        for column in prep["columns"]:
            cell = row[column["index"]].strip() if column["index"] < len(row) else ""
            categories = column.get("one_hot", [])
            if categories:
                if cell.lower() in MISSING:
                    values = [None] * len(categories)
                else:
                    values = [1.0 if cell == c else 0.0 for c in categories]
            else:
                values = [parse_number(cell, decimal_comma)]
            for v in values:
                if v is None:
                    if fill is None:
                        raise ValueError(f"record {i}: missing value in feature {j} and no fill value")
                    v = fill[j]
                x[i, j] = np.float32(v)
                j += 1
    std = prep.get("standardization")
    if std:
        x = (x - np.asarray(std["mean"], np.float32)) / np.asarray(std["std"], np.float32)
    return x


def table_labels(records, prep):
    column = prep["label"]["index"]
    classes = prep.get("class_names")
    decimal_comma = prep["csv"]["decimal_comma"] if prep.get("csv") else False
    cells = [row[column].strip() for row in records]
    if classes is None:
        return np.asarray([parse_number(c, decimal_comma) for c in cells], np.float32).reshape(-1, 1)
    numeric = [parse_number(c, decimal_comma) for c in classes]
    if all(v is not None for v in numeric):
        index = {v: k for k, v in enumerate(numeric)}
        return np.asarray([index[parse_number(c, decimal_comma)] for c in cells], np.int64)
    index = {c: k for k, c in enumerate(classes)}
    return np.asarray([index[c] for c in cells], np.int64)


def idx_array(path):
    """An IDX file (raw or gzipped) as a uint8 array: images N x H x W, labels N."""
    data = read_bytes(path)
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * k:8 + 4 * k], "big") for k in range(dims)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * dims).reshape(shape)


def find(folder, base):
    for name in (base, base + ".gz"):
        if os.path.exists(os.path.join(folder, name)):
            return os.path.join(folder, name)
    raise FileNotFoundError(f"{folder}: no {base}(.gz)")


def image_inputs(pixels, prep):
    p = prep["pixels"]
    x = pixels.reshape(-1, p["channels"], p["height"], p["width"]).astype(np.float32)
    return x / np.float32(p["divisor"])


# A folder of images, read with the rules of gradscope's image-folder importer
# (src/data/images.rs): classes are the sub-folder names in sorted order; the images of a class
# are its files ending in png, jpg, jpeg, bmp or gif (any case), sorted by name; hidden entries
# (a name starting with "."), files in the root and folders inside a class folder are left out,
# and so are the files gradscope could not decode (listed in CONFIG["data"]["unreadable"]).

IMAGE_EXTENSIONS = {"png", "jpg", "jpeg", "bmp", "gif"}


def folder_records(root):
    """The class names and the (path, class) of every image, in gradscope's record order."""
    skip = set(CONFIG["data"].get("unreadable", []))
    classes, records = [], []
    for name in sorted(os.listdir(root)):
        folder = os.path.join(root, name)
        if name.startswith(".") or not os.path.isdir(folder):
            continue
        found = False
        for file in sorted(os.listdir(folder)):
            path = os.path.join(folder, file)
            extension = os.path.splitext(file)[1][1:].lower()
            if file.startswith(".") or os.path.isdir(path) or extension not in IMAGE_EXTENSIONS:
                continue
            found = True
            if f"{name}/{file}" not in skip:
                records.append((path, len(classes)))
        if found:
            classes.append(name)
    return classes, records


@functools.lru_cache(maxsize=None)
def triangle_weights(n_in, n_out):
    """The weights of gradscope's resize (the `image` crate's `resize` with its triangle, i.e.
    bilinear, filter) along one axis, computed in float32 in the same order: for each output
    index, the first input index and the normalised weights of the inputs from there."""
    f32 = np.float32
    ratio = f32(n_in) / f32(n_out)
    scale = ratio if ratio >= f32(1) else f32(1)  # the filter widens when shrinking
    support = f32(1) * scale
    taps = []
    for out in range(n_out):
        centre = (f32(out) + f32(0.5)) * ratio
        left = min(max(int(np.floor(centre - support)), 0), n_in - 1)
        right = min(max(int(np.ceil(centre + support)), left + 1), n_in)
        centre = centre - f32(0.5)
        weights, total = [], f32(0)
        for i in range(left, right):
            x = abs((f32(i) - centre) / scale)
            w = f32(1) - x if x < f32(1) else f32(0)
            weights.append(w)
            total = f32(total + w)
        taps.append((left, [f32(w / total) for w in weights]))
    return taps


def resize_triangle(pixels, width, height):
    """`pixels` (H x W x C, uint8) resized to width x height exactly as gradscope does: first
    the columns (kept in float32), then the rows, each output a float32 sum of weighted inputs
    added in order, clamped to [0, 255] and rounded half away from zero."""
    source = pixels.astype(np.float32)
    tall = np.zeros((height, source.shape[1], source.shape[2]), np.float32)
    for y, (left, weights) in enumerate(triangle_weights(source.shape[0], height)):
        for i, w in enumerate(weights):
            tall[y] += source[left + i] * w
    out = np.zeros((height, width, source.shape[2]), np.float32)
    for x, (left, weights) in enumerate(triangle_weights(source.shape[1], width)):
        for i, w in enumerate(weights):
            out[:, x] += tall[:, left + i] * w
    out = np.clip(out, np.float32(0), np.float32(255))
    floor = np.floor(out)
    return (floor + (out - floor >= np.float32(0.5))).astype(np.uint8)


def image_bytes(path, channels):
    """The decoded image as H x W x channels bytes, converted as gradscope converts it: 16-bit
    grey scaled by round(v * 255 / 65535), alpha dropped, grey repeated in R, G and B, and colour
    turned grey (only when the other images are grey) with the weights 0.2126, 0.7152, 0.0722."""
    try:
        from PIL import Image
    except ImportError:
        sys.exit("this data set is a folder of images: reading it needs pillow (pip install pillow)")
    try:
        with Image.open(path) as image:
            image.load()
            mode = image.mode
            if mode.startswith("I"):  # 16-bit grey
                grey = np.asarray(image).astype(np.int64)
                grey = ((grey + 128) // 257).clip(0, 255).astype(np.uint8)
            elif mode in ("1", "L", "LA", "La"):
                grey = np.asarray(image.getchannel(0) if mode != "1" else image.convert("L"))
            else:
                grey = None
                rgb = np.asarray(image.convert("RGB"))
    except OSError as e:
        raise ValueError(f"{path}: cannot decode the image: {e}") from e
    if channels == 1:
        if grey is None:
            weighted = rgb.astype(np.uint32) @ np.asarray([2126, 7152, 722], np.uint32)
            grey = (weighted // 10000).astype(np.uint8)
        return grey[:, :, None]
    if grey is not None:
        return np.repeat(grey[:, :, None], 3, axis=2)
    return rgb


def folder_images(root, prep):
    """Every image of the folder as N x C x H x W bytes, resized to the model's size, and the
    class of each, checked against the class names the model was trained with."""
    classes, records = folder_records(root)
    if classes != prep["class_names"]:
        raise ValueError(f"{root}: the class folders are {classes}, the model's classes "
                         f"{prep['class_names']}")
    p = prep["pixels"]
    channels, height, width = p["channels"], p["height"], p["width"]
    images = np.zeros((len(records), channels, height, width), np.uint8)
    for k, (path, _) in enumerate(records):
        pixels = image_bytes(path, channels)
        if pixels.shape[:2] != (height, width):
            pixels = resize_triangle(pixels, width, height)
        images[k] = pixels.transpose(2, 0, 1)
    return images, np.asarray([c for _, c in records], np.int64)


def byte_classes(labels, prep):
    index = {int(name): k for k, name in enumerate(prep["class_names"])}
    lookup = np.zeros(256, np.int64)
    for byte, k in index.items():
        lookup[byte] = k
    return lookup[labels]


def load_splits(data_path, split):
    """(x_train, y_train, x_test, y_test) as numpy arrays, in gradscope's sample order."""
    source, prep = CONFIG["data"], CONFIG["preprocessing"]
    kind = source["kind"]
    if kind == "table":
        records = table_records(data_path, prep["csv"] or {"delimiter": ",", "has_header": True})
        parts = []
        for rows in (split["rows"]["train"], split["rows"]["test"]):
            chosen = [records[r] for r in rows]
            parts += [table_inputs(chosen, prep), table_labels(chosen, prep)]
        return parts
    if kind == "mnist_folder":
        images = np.concatenate([idx_array(find(data_path, "train-images-idx3-ubyte")),
                                 idx_array(find(data_path, "t10k-images-idx3-ubyte"))])
        labels = np.concatenate([idx_array(find(data_path, "train-labels-idx1-ubyte")),
                                 idx_array(find(data_path, "t10k-labels-idx1-ubyte"))])
    elif kind == "image_folder":
        images, y = folder_images(data_path, prep)
        counts = [len(split["rows"][part]) for part in ("train", "test")]
        if max(max(split["rows"][part], default=-1) for part in ("train", "test")) >= len(y):
            raise ValueError(f"{data_path}: {len(y)} images, but the split names {sum(counts)}: "
                             "the folder changed since the export")
        x = image_inputs(images, prep)
        train, test = np.asarray(split["rows"]["train"]), np.asarray(split["rows"]["test"])
        return x[train], y[train], x[test], y[test]
    elif kind == "idx":  # an IDX file and its partner (images <-> labels) next to it
        images = idx_array(data_path)
        labels = idx_array(os.path.join(os.path.dirname(data_path), source["partner"]))
        if images.ndim == 1:
            images, labels = labels, images
    else:
        raise ValueError(f"unknown data kind {kind!r}")
    x, y = image_inputs(images, prep), byte_classes(labels, prep)
    if "rows" in split:
        train, test = split["rows"]["train"], split["rows"]["test"]
    else:
        n_train = split["in_order"]["train"]
        train = range(n_train)
        test = range(n_train, n_train + split["in_order"]["test"])
    train, test = np.asarray(list(train)), np.asarray(list(test))
    return x[train], y[train], x[test], y[test]


# ---------------------------------------------------------------------------------------------
# Model, loss, optimizer: gradscope's rules in PyTorch's terms.
# ---------------------------------------------------------------------------------------------

def init_weights(model):
    """gradscope's initialisation: He normal (std sqrt(2 / fan_in)) before ReLU/LeakyReLU,
    Xavier uniform otherwise; biases 0; every weight times init_gain."""
    gain = CONFIG["train"]["init_gain"]
    with torch.no_grad():
        for index, rule in CONFIG["init"].items():
            module = model[int(index)]
            if rule == "he_normal":
                nn.init.kaiming_normal_(module.weight, mode="fan_in", nonlinearity="relu")
            else:
                nn.init.xavier_uniform_(module.weight)
            module.weight.mul_(gain)
            nn.init.zeros_(module.bias)


def make_optimizer(model):
    """The optimizer with L2 on the weights only (gradscope adds l2 * W to the weight gradients,
    never to the biases, before the update: PyTorch's weight_decay on a parameter group)."""
    o, l2 = CONFIG["train"]["optimizer"], CONFIG["train"]["l2"]
    weights = [p for name, p in model.named_parameters() if name.endswith("weight")]
    biases = [p for name, p in model.named_parameters() if name.endswith("bias")]
    groups = [{"params": weights, "weight_decay": l2}, {"params": biases, "weight_decay": 0.0}]
    lr, kind = o["learning_rate"], o["kind"]
    if kind == "Sgd":
        return torch.optim.SGD(groups, lr=lr)
    if kind == "Momentum":  # v = mu v - lr g; w += v  ==  PyTorch's b = mu b + g; w -= lr b
        return torch.optim.SGD(groups, lr=lr, momentum=o["momentum"])
    if kind == "Nesterov":
        return torch.optim.SGD(groups, lr=lr, momentum=o["momentum"], nesterov=True)
    if kind == "RMSProp":
        return torch.optim.RMSprop(groups, lr=lr, alpha=o["rho"], eps=o["epsilon"])
    if kind == "Adam":
        return torch.optim.Adam(groups, lr=lr, betas=(o["beta1"], o["beta2"]), eps=o["epsilon"])
    raise ValueError(f"unknown optimizer {kind!r}")


def make_loss():
    """Softmax cross-entropy (mean over the batch) or MSE (mean over every output)."""
    return nn.CrossEntropyLoss() if CONFIG["loss"] == "cross_entropy" else nn.MSELoss()


@torch.no_grad()
def evaluate(model, x, y, device, loss_fn):
    """Mean loss over the whole split and accuracy (None for regression), in chunks of 256."""
    if len(x) == 0:
        return None, None
    model.eval()
    loss_sum, correct = 0.0, 0
    for start in range(0, len(x), 256):
        xb = torch.from_numpy(x[start:start + 256]).to(device)
        yb = torch.from_numpy(y[start:start + 256]).to(device)
        out = model(xb)
        loss_sum += float(loss_fn(out, yb)) * len(xb)
        if CONFIG["loss"] == "cross_entropy":
            correct += int((out.argmax(dim=1) == yb).sum())
    model.train()
    accuracy = correct / len(x) if CONFIG["loss"] == "cross_entropy" else None
    return loss_sum / len(x), accuracy


# ---------------------------------------------------------------------------------------------
# Training: one process, or one per device under torchrun (DistributedDataParallel).
# ---------------------------------------------------------------------------------------------

def main():
    train_cfg = CONFIG["train"]
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=None, help="the data file or folder, relative to the current folder (default: the exported one)")
    parser.add_argument("--split", default=os.path.join(HERE, "split.json"), help="the split file")
    parser.add_argument("--init", default=None, help="start from these weights (safetensors)")
    parser.add_argument("--epochs", type=int, default=train_cfg["epochs"], help="epochs to train")
    parser.add_argument("--batch-size", type=int, default=train_cfg["batch_size"],
                        help="samples per step, summed over all processes")
    parser.add_argument("--lr", type=float, default=None, help="learning rate")
    parser.add_argument("--seed", type=int, default=train_cfg["seed"], help="seed of init and batch order")
    parser.add_argument("--device", default=None, help="cpu, cuda, cuda:1, mps (default: cuda if present)")
    parser.add_argument("--save", default=None, help="write the trained weights here (safetensors)")
    parser.add_argument("--threads", type=int, default=None,
                        help="CPU threads per process (default: PyTorch's; 1 under torchrun)")
    args = parser.parse_args()
    if CONFIG.get("epochs_note") and args.epochs == train_cfg["epochs"]:
        # gradscope had no epoch limit (it trained until paused): say where the default came from.
        print(f"train.py: {CONFIG['epochs_note']}; --epochs N chooses another", file=sys.stderr)
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.lr is not None:
        train_cfg["optimizer"]["learning_rate"] = args.lr

    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    device_name = args.device or ("cuda" if torch.cuda.is_available() else "cpu")
    if device_name == "cuda" and world > 1:
        device_name = f"cuda:{local_rank}"
    device = torch.device(device_name)
    if world > 1:
        dist.init_process_group("nccl" if device.type == "cuda" else "gloo")
        if device.type == "cuda":
            torch.cuda.set_device(device)
    torch.manual_seed(args.seed)

    # --data is taken as given (relative to the current folder); the exported path, when
    # relative (data written next to this script), is relative to this script's folder.
    if args.data:
        data_path = os.path.abspath(args.data)
    else:
        data_path = CONFIG["data"]["path"]
        if not os.path.isabs(data_path):
            data_path = os.path.join(HERE, data_path)
    with open(args.split) as f:
        split = json.load(f)
    x_train, y_train, x_test, y_test = load_splits(data_path, split)

    model = build_model()
    if args.init:
        model.load_state_dict(load_file(args.init), strict=True)
    else:
        init_weights(model)
    model.to(device)
    trained = model
    if world > 1:
        trained = nn.parallel.DistributedDataParallel(
            model, device_ids=[device.index] if device.type == "cuda" else None)
    loss_fn, optimizer = make_loss(), make_optimizer(model)

    # Batches are cut from a shuffled order of the whole split held in memory (as gradscope
    # does); under torchrun, DistributedSampler gives each process its share of that order.
    x_all, y_all = torch.from_numpy(x_train), torch.from_numpy(y_train)
    per_process = max(1, args.batch_size // world)
    sampler = None
    if world > 1:
        sampler = torch.utils.data.distributed.DistributedSampler(
            torch.utils.data.TensorDataset(x_all, y_all), shuffle=True, seed=args.seed)
    shuffle = torch.Generator().manual_seed(args.seed)

    def batches(epoch):
        if sampler is not None:
            sampler.set_epoch(epoch)
            order = torch.tensor(list(sampler), dtype=torch.long)
        else:
            order = torch.randperm(len(x_all), generator=shuffle)
        for first in range(0, len(order), per_process):
            chosen = order[first:first + per_process]
            yield x_all[chosen], y_all[chosen]

    steps, epochs, diverged, epoch_batch_loss = 0, 0, None, None
    patience = train_cfg["early_stopping_patience"]
    best = (math.inf, 0, None)  # (test loss, epoch, weights) for early stopping
    start = time.perf_counter()
    for epoch in range(args.epochs):
        batch_losses = []
        for xb, yb in batches(epoch):
            xb, yb = xb.to(device), yb.to(device)
            loss = loss_fn(trained(xb), yb)
            if not torch.isfinite(loss):
                diverged = f"diverged at step {steps + 1}: lower the learning rate or normalise the inputs"
                break
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            steps += 1
            batch_losses.append(loss.item())
        if diverged:
            break
        epochs += 1
        epoch_batch_loss = sum(batch_losses) / max(1, len(batch_losses))
        if patience > 0 and len(x_test) > 0:
            test_loss, _ = evaluate(model, x_test, y_test, device, loss_fn)
            if test_loss < best[0]:
                best = (test_loss, epochs, {k: v.clone() for k, v in model.state_dict().items()})
            elif epochs >= best[1] + patience:
                model.load_state_dict(best[2])
                break
    seconds = time.perf_counter() - start

    if rank == 0:
        train_loss, train_accuracy = evaluate(model, x_train, y_train, device, loss_fn)
        test_loss, test_accuracy = evaluate(model, x_test, y_test, device, loss_fn)
        report = {
            "dataset": CONFIG["dataset"],
            "model": CONFIG["model"],
            "train_loss": train_loss,
            "test_loss": test_loss,
            "train_accuracy": train_accuracy,
            "test_accuracy": test_accuracy,
            "epochs": epochs,
            "steps": steps,
            "seconds": seconds,
            "diverged": diverged,
            "epoch_batch_loss": epoch_batch_loss,
            "processes": world,
            "device": str(device),
        }
        if args.save:
            with safe_open(os.path.join(HERE, "model.safetensors"), "pt") as f:
                metadata = f.metadata() or {}
            state = {k: v.detach().to("cpu").contiguous() for k, v in model.state_dict().items()}
            save_file(state, args.save, metadata=metadata)
        print(json.dumps(report), flush=True)
    if world > 1:
        dist.destroy_process_group()


if __name__ == "__main__":
    sys.exit(main())
