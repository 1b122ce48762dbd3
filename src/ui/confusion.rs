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
                                "test sample {}: click to show its feature maps",
                                index + 1
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
    // The room left below the label (which wraps to three lines on a projector).
    let cell = cell_size(egui::vec2(room.x, ui.available_height().min(room.y)), k);
    let (rect, response) = ui.allocate_exact_size(cell * (k as f32 + 1.0), Sense::hover());
    let painter = ui.painter_at(rect);
    let max = confusion.counts.iter().copied().max().unwrap_or(1).max(1);
    let font = FontId::proportional(count_font_size(cell, max));
    let name = |c: usize| names.get(c).cloned().unwrap_or_else(|| c.to_string());
    for i in 0..k {
        for pos in [
            cell * egui::vec2(0.5, i as f32 + 1.5),
            cell * egui::vec2(i as f32 + 1.5, 0.5),
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
            let min = rect.min + cell * egui::vec2(j as f32 + 1.0, i as f32 + 1.0);
            let shade = (count as f32 / max as f32).sqrt();
            painter.rect_filled(
                egui::Rect::from_min_size(min, cell - egui::vec2(1.0, 1.0)),
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
                    min + cell * 0.5,
                    Align2::CENTER_CENTER,
                    count.to_string(),
                    font.clone(),
                    text_color,
                );
            }
        }
    }
    if let Some(pos) = response.hover_pos() {
        let j = ((pos.x - rect.left()) / cell.x) as usize;
        let i = ((pos.y - rect.top()) / cell.y) as usize;
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

/// One cell of a `k`-class matrix (plus its row and column of class names) in `room`
/// (points): as wide and as tall as the room allows, 14–64 points wide and 14–48 tall, and
/// at most 1.6 times as wide as tall. Wider than tall when the room is (a panel on a
/// projector is), so the counts can be larger than in square cells.
fn cell_size(room: egui::Vec2, k: usize) -> egui::Vec2 {
    let n = k as f32 + 1.0;
    let height = ((room.y - 8.0) / n).clamp(14.0, 48.0);
    let width = ((room.x - 8.0) / n).clamp(14.0, 64.0).min(1.6 * height);
    egui::vec2(width, height)
}

/// The font size (points) of the counts in cells of size `cell` whose largest count is
/// `max`: 70 % of the cell's height, or less when the widest count's digits (about 0.62 of
/// the size each) would not fit the width with 2 points either side; at least 7.
fn count_font_size(cell: egui::Vec2, max: u32) -> f32 {
    let digits = max.max(1).ilog10() as f32 + 1.0;
    (cell.y * 0.7)
        .min((cell.x - 4.0) / (0.62 * digits))
        .max(7.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lower panel of the MNIST lab in presentation mode at 1280×800: 340 × 225 points
    /// for the ten classes below the label. Square cells held counts of three digits at
    /// about 9 points there; cells as wide as the room allows hold them at 13.8.
    #[test]
    fn counts_are_larger_in_a_room_wider_than_tall() {
        let room = egui::vec2(340.0, 225.0);
        let cell = cell_size(room, 10);
        assert!(
            cell.x * 11.0 <= room.x && cell.y * 11.0 <= room.y,
            "{cell:?}"
        );
        assert!((cell.y - 217.0 / 11.0).abs() < 1e-3, "{cell:?}");
        assert!((cell.x - 332.0 / 11.0).abs() < 1e-3, "{cell:?}");
        // No wider than 1.6 times the height.
        let flat = cell_size(egui::vec2(900.0, 225.0), 10);
        assert!((flat.x - 1.6 * flat.y).abs() < 1e-3, "{flat:?}");
        // Three digits in a cell 30 wide: the height bounds the size, 70 % of it.
        let size = count_font_size(cell, 230);
        assert!((size - 0.7 * 217.0 / 11.0).abs() < 1e-3, "{size}");
        assert!(size < (cell.x - 4.0) / (0.62 * 3.0), "{size}");
        // A large room: 48 points tall, 64 wide at most; a small one: square cells.
        assert_eq!(
            cell_size(egui::vec2(300.0, 300.0), 2),
            egui::vec2(64.0, 48.0)
        );
        assert_eq!(
            cell_size(egui::vec2(228.0, 228.0), 10),
            egui::Vec2::splat(20.0)
        );
        // One-digit counts fill 70 % of the height.
        assert_eq!(count_font_size(egui::Vec2::splat(40.0), 9), 28.0);
        // Nothing below 7 points, however many digits.
        assert_eq!(count_font_size(egui::Vec2::splat(14.0), 100_000), 7.0);
    }
}
