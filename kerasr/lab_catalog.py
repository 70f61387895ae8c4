"""The course labs shipped with kerasr: what each is about and what data it needs.

R: (the workshops' ``.Rmd`` files)
Python: ``kerasr lab list`` / ``kerasr lab run baby_steps --fast``
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .errors import InvalidValueError, did_you_mean

__all__ = ["Lab", "LABS", "find_lab", "lab_path"]


@dataclass(frozen=True)
class Lab:
    """One lab: its name, topic, the data it needs and whether it runs offline."""

    name: str
    topic: str
    data: str
    offline: bool


LABS: tuple[Lab, ...] = (
    Lab("baby_steps", "OLS through one dense unit; sine-wave capacity; the shuffle pitfall; "
        "learning rates, momentum and callbacks; the ReLU-output pitfall",
        "synthetic (generated in the lab)", True),
    Lab("perceptrons", "AND, OR and XOR with a single unit and with a hidden layer",
        "synthetic (truth tables)", True),
    Lab("boston", "Boston housing regression: scaling, MAE, k-fold validation",
        "Boston housing (shipped with kerasr)", True),
    Lab("kyphosis", "logistic regression vs a small network, ROC AUC; functional API with "
        "an embedding", "rpart's kyphosis (shipped with kerasr)", True),
    Lab("mnist_mlp", "MNIST and Fashion-MNIST multilayer perceptrons: dropout, confusion "
        "matrix, misclassified images", "MNIST (11 MB) and Fashion-MNIST (30 MB) downloads",
        False),
    Lab("fashion_cnn", "Fashion-MNIST CNN: convolution, pooling, batch normalization, dropout, "
        "checkpoint and early stopping", "Fashion-MNIST (30 MB download)", False),
    Lab("lstm_power", "LSTM forecasting of household power: windows, conv1d + stacked LSTM, "
        "persistence baseline", "UCI household power consumption (20 MB download)", False),
    Lab("imdb", "IMDB sentiment: multi-hot MLP (sequences_to_matrix), learned word embeddings "
        "with pooling, scoring new reviews from raw text", "IMDB reviews (17 MB download)",
        False),
    Lab("image_folders", "class-per-folder images: image_data_generator augmentation, a CNN "
        "from flow_images_from_directory, generator_next; VGG16 fine-tuning in full mode",
        "JPEG folders generated in the lab (full mode: VGG16 weights, 58 MB download)", False),
)


def find_lab(name: str) -> Lab:
    """The lab called ``name``, or a clear error listing the labs."""
    for lab in LABS:
        if lab.name == name:
            return lab
    names = [lab.name for lab in LABS]
    raise InvalidValueError(
        f"kerasr lab: no lab named {name!r}{did_you_mean(name, names)} "
        f"(labs: {', '.join(names)}; see `kerasr lab list`)"
    )


def lab_path(name: str, suffix: str = ".py") -> Path:
    """Path of the lab's script (``.py``) or notebook (``.ipynb``) inside the package."""
    lab = find_lab(name)
    path = Path(str(resources.files("kerasr.labs") / f"{lab.name}{suffix}"))
    if not path.exists():
        raise InvalidValueError(f"kerasr lab: {path.name} is missing from the installation")
    return path
