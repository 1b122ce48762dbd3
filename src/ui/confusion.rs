//! Confusion matrix on the test split (true class down, predicted class across, counts in the
//! cells) and a gallery of misclassified test images that open in the feature-map view.

use eframe::egui::{self, Align2, Color32, FontId, RichText, Sense, TextureHandle, TextureOptions};

use crate::data::{Dataset, Task};
use crate::train::Confusion;
use crate::ui::action::Action;
use crate::ui::colormap::sequential;
use crate::ui::panel::Panel;
use crate::ui::state::View;

/// Most misclassified digits shown in the gallery.
const GALLERY: usize = 24;

/// The gallery's textures and which evaluation they show.
#[derive(Default)]
pub struct ConfusionPanel {
    gallery: Vec<(usize, TextureHandle)>,
    shown: Vec<usize>,
}

/// A grey image of test sample `index` (pixel values 0–1 on the first channel).
fn sample_image(data: &Dataset, index: usize) -> Option<egui::ColorImage> {
    let [_, h, w] = data.image_shape?;
    let row = data.test.row(index);
    let pixels = (0..h * w)
        .map(|i| {
            Color32::from_gray((row.get(i).copied().unwrap_or(0.0).clamp(0.0, 1.0) * 255.0) as u8)
        })
        .collect();
    Some(egui::ColorImage::new([w, h], pixels))
}

impl Panel for ConfusionPanel {
    /// The matrix and the gallery of mistakes; shows a test sample's feature maps when a
    /// gallery image is clicked.
    fn ui(&mut self, ui: &mut egui::Ui, view: &View<'_>) -> Option<Action> {
        let data: &Dataset = view.data;
        let evaluation = view
            .run
            .snapshot
            .as_ref()
            .and_then(|s| s.evaluation.clone());
        let Some(evaluation) = evaluation else {
            ui.label("waiting for the first evaluation…");
            return None;
        };
        let Some(confusion) = &evaluation.confusion else {
            ui.label("The confusion matrix needs a classification task with a test split.");
            return None;
        };
        let names: Vec<String> = match &data.task {
            Task::Classification { class_names } => class_names.clone(),
            Task::Regression => Vec::new(),
        };
        if data.image_shape.is_none() {
            matrix_ui(ui, confusion, &names, ui.available_size());
            return None;
        }
        // Images: the matrix as large as it fits on the left, the gallery of mistakes beside.
        let size = ui.available_size();
        let matrix = egui::vec2(size.x * 0.64, size.y);
        let mut chosen = None;
        ui.horizontal_top(|ui| {
            ui.allocate_ui(matrix, |ui| {
                ui.vertical(|ui| matrix_ui(ui, confusion, &names, matrix));
            });
            ui.vertical(|ui| {
                chosen = self.gallery_ui(ui, data, &evaluation.misclassified);
            });
        });
        chosen.map(Action::ShowSample)
    }
}

impl ConfusionPanel {
    /// The first misclassified test images; returns the one clicked.
    fn gallery_ui(
        &mut self,
        ui: &mut egui::Ui,
        data: &Dataset,
        misclassified: &[usize],
    ) -> Option<usize> {
        ui.label(
            RichText::new(format!(
                "Misclassified ({} in all; click one to inspect it)",
                misclassified.len()
            ))
            .strong(),
        );
        let wanted: Vec<usize> = misclassified.iter().copied().take(GALLERY).collect();
        if wanted != self.shown {
            self.gallery.clear();
            for &index in &wanted {
                if let Some(image) = sample_image(data, index) {
                    let texture = ui.ctx().load_texture(
                        format!("wrong{index}"),
                        image,
                        TextureOptions::NEAREST,
                    );
                    self.gallery.push((index, texture));
                }
            }
            self.shown = wanted;
        }
        let mut clicked = None;
        egui::ScrollArea::vertical()
            .id_salt("misclassified_scroll")
            .show(ui, |ui| {
                ui.horizontal_wrapped(|ui| {
                    for (index, texture) in &self.gallery {
                        let response = ui.add(
                            egui::Image::new((texture.id(), egui::vec2(40.0, 40.0)))
                                .sense(Sense::click()),
                        );
                        if response
                            .on_hover_text(format!(
                                "test sample {index}: click to show its feature maps"
                            ))
                            .clicked()
                        {
                            clicked = Some(*index);
                        }
                    }
                });
            });
        clicked
    }
}

/// The summary line and the matrix: true class down, predicted across, counts in the cells.
fn matrix_ui(ui: &mut egui::Ui, confusion: &Confusion, names: &[String], room: egui::Vec2) {
    let k = confusion.classes;
    let total: u32 = confusion.counts.iter().sum();
    let correct: u32 = (0..k).map(|i| confusion.counts[i * k + i]).sum();
    // A no-break space before %: the line wrapped between "(98.7" and "%)" on a projector.
    ui.label(format!(
        "{correct} of {total} test samples right ({:.1}\u{a0}%); rows: true class, columns: \
         predicted",
        100.0 * f64::from(correct) / f64::from(total.max(1))
    ))
    .on_hover_text(
        "Test-split accuracy at the last evaluation: the diagonal's sum over all counts",
    );
    let side = (room.x - 8.0).min(room.y - 40.0);
    let cell = (side / (k as f32 + 1.0)).clamp(14.0, 48.0);
    let (rect, response) = ui.allocate_exact_size(
        egui::vec2(cell * (k as f32 + 1.0), cell * (k as f32 + 1.0)),
        Sense::hover(),
    );
    let painter = ui.painter_at(rect);
    let max = confusion.counts.iter().copied().max().unwrap_or(1).max(1) as f32;
    // As large as the widest count lets it be inside a cell.
    let digits = max.log10().floor() + 1.0;
    let font = FontId::proportional((cell * 0.45).min((cell - 4.0) / (0.62 * digits)).max(7.0));
    let name = |c: usize| names.get(c).cloned().unwrap_or_else(|| c.to_string());
    for i in 0..k {
        for pos in [
            egui::vec2(cell * 0.5, cell * (i as f32 + 1.5)),
            egui::vec2(cell * (i as f32 + 1.5), cell * 0.5),
        ] {
            painter.text(
                rect.min + pos,
                Align2::CENTER_CENTER,
                name(i),
                font.clone(),
                ui.visuals().text_color(),
            );
        }
        for j in 0..k {
            let count = confusion.counts[i * k + j];
            let min = rect.min + egui::vec2(cell * (j as f32 + 1.0), cell * (i as f32 + 1.0));
            let shade = (count as f32 / max).sqrt();
            painter.rect_filled(
                egui::Rect::from_min_size(min, egui::vec2(cell - 1.0, cell - 1.0)),
                0.0,
                sequential(shade, 0.0, 1.0),
            );
            if count > 0 {
                let text_color = if shade > 0.6 {
                    Color32::BLACK
                } else {
                    Color32::WHITE
                };
                painter.text(
                    min + egui::vec2(cell * 0.5, cell * 0.5),
                    Align2::CENTER_CENTER,
                    count.to_string(),
                    font.clone(),
                    text_color,
                );
            }
        }
    }
    if let Some(pos) = response.hover_pos() {
        let j = ((pos.x - rect.left()) / cell) as usize;
        let i = ((pos.y - rect.top()) / cell) as usize;
        if (1..=k).contains(&i) && (1..=k).contains(&j) {
            let count = confusion.counts[(i - 1) * k + (j - 1)];
            response.on_hover_text_at_pointer(format!(
                "{count} test samples of class {} predicted as {}",
                name(i - 1),
                name(j - 1)
            ));
        }
    }
}
