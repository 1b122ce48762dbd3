//! A session's evaluations: predictions, the loss and accuracy over a split in chunks, and
//! what the panels show after an evaluation (a confusion matrix and the misclassified
//! samples of the test split).

use std::sync::Arc;

use nalgebra::DMatrix;

use super::{EVAL_CHUNK, Session, SplitMetrics};
use crate::data::{Labels, Split, Task};
use crate::nn::{LossKind, Mode, Target, compute_loss, softmax};

impl Session {
    /// Model outputs for the rows of `x` (Eval mode): logits for classification, values for
    /// regression. Shape (rows, outputs).
    pub fn predict(&mut self, x: &DMatrix<f32>) -> DMatrix<f32> {
        self.model.forward(x, Mode::Eval)
    }

    /// Eval-mode output of every layer for the rows of `x` (for the feature-map panel).
    pub fn predict_all(&mut self, x: &DMatrix<f32>) -> Vec<DMatrix<f32>> {
        self.model.forward_all(x)
    }

    /// Class probabilities (softmax of the logits), shape (rows, classes); for regression the raw
    /// outputs.
    pub fn predict_probabilities(&mut self, x: &DMatrix<f32>) -> DMatrix<f32> {
        let out = self.predict(x);
        if self.loss_kind == LossKind::SoftmaxCrossEntropy {
            softmax(&out)
        } else {
            out
        }
    }

    /// Mean loss and accuracy over a whole split, in chunks of 256 rows.
    /// Returns `None` for an empty split.
    pub fn evaluate(&mut self, split: &Split) -> Option<SplitMetrics> {
        self.evaluate_rows(split, split.len(), None)
    }

    /// Metrics over the first `limit` rows of `split`; when `predictions` is given it receives
    /// the predicted class of every evaluated row (classification only).
    fn evaluate_rows(
        &mut self,
        split: &Split,
        limit: usize,
        mut predictions: Option<&mut Vec<usize>>,
    ) -> Option<SplitMetrics> {
        let n = split.len().min(limit);
        if n == 0 {
            return None;
        }
        let mut loss_sum = 0.0;
        let mut correct = 0usize;
        let indices: Vec<usize> = (0..n).collect();
        for chunk in indices.chunks(EVAL_CHUNK) {
            let x: DMatrix<f32> = split.gather(chunk);
            let target = self.target(split, chunk);
            let out = self.predict(&x);
            let (loss, _) = compute_loss(self.loss_kind, &out, &target);
            loss_sum += f64::from(loss) * chunk.len() as f64;
            if let Target::Classes(labels) = &target {
                for (row, &label) in labels.iter().enumerate() {
                    let predicted = argmax_row(&out, row);
                    correct += usize::from(predicted == label);
                    if let Some(out) = predictions.as_deref_mut() {
                        out.push(predicted);
                    }
                }
            }
        }
        let accuracy = matches!(self.data.task, Task::Classification { .. })
            .then(|| correct as f64 / n as f64);
        Some(SplitMetrics {
            loss: loss_sum / n as f64,
            accuracy,
        })
    }

    /// Metrics on the whole training split and the whole test split (`None` where a split is
    /// empty).
    pub fn evaluate_both(&mut self) -> (Option<SplitMetrics>, Option<SplitMetrics>) {
        let data = Arc::clone(&self.data);
        (self.evaluate(&data.train), self.evaluate(&data.test))
    }

    /// What the panels show after an evaluation: metrics on at most `train_limit` training
    /// rows (the first ones) and on the whole test split, with the test split's confusion matrix
    /// and misclassified samples for classification.
    pub fn evaluate_for_view(&mut self, train_limit: usize) -> Evaluation {
        let data = Arc::clone(&self.data);
        let train = self.evaluate_rows(&data.train, train_limit, None);
        let mut predicted = Vec::new();
        let test = self.evaluate_rows(&data.test, data.test.len(), Some(&mut predicted));
        let (confusion, misclassified) = match (&data.test.labels, data.n_classes()) {
            (Labels::Classes(truth), Some(classes)) if !predicted.is_empty() => {
                let mut counts = vec![0u32; classes * classes];
                let mut wrong = Vec::new();
                for (i, (&t, &p)) in truth.iter().zip(&predicted).enumerate() {
                    if t < classes && p < classes {
                        counts[t * classes + p] += 1;
                    }
                    if t != p {
                        wrong.push(i);
                    }
                }
                (Some(Confusion { classes, counts }), wrong)
            }
            _ => (None, Vec::new()),
        };
        Evaluation {
            train,
            test,
            confusion,
            misclassified,
        }
    }
}

/// Counts of (true class, predicted class) pairs on the test split.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Confusion {
    /// Number of classes K.
    pub classes: usize,
    /// K × K counts, row-major: `counts[t * K + p]` samples of class t predicted as p.
    pub counts: Vec<u32>,
}

/// One evaluation for the panels.
#[derive(Clone, Debug, PartialEq)]
pub struct Evaluation {
    /// Metrics on (a prefix of) the training split.
    pub train: Option<SplitMetrics>,
    /// Metrics on the test split.
    pub test: Option<SplitMetrics>,
    /// Confusion matrix on the test split (classification).
    pub confusion: Option<Confusion>,
    /// Test-split indices of misclassified samples, in order.
    pub misclassified: Vec<usize>,
}

/// Column index of the largest value in `row` of `m` (first one on ties).
pub fn argmax_row(m: &DMatrix<f32>, row: usize) -> usize {
    let mut best = 0;
    for col in 1..m.ncols() {
        if m[(row, col)] > m[(row, best)] {
            best = col;
        }
    }
    best
}
