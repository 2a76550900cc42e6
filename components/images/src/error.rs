//! What can go wrong with an image, told so that a teacher knows what to do.

use i18n::{tr, Lang};
use std::path::{Path, PathBuf};

/// An image that could not be read, understood or written to the cache.
#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    /// The source file could not be read (missing, no permission, a folder...).
    #[error("{}", self.message(Lang::En))]
    Read {
        /// The source image.
        path: PathBuf,
        /// Why reading failed.
        #[source]
        source: std::io::Error,
    },
    /// The file is not an image format the site can publish.
    #[error("{}", self.message(Lang::En))]
    Unsupported {
        /// The source image.
        path: PathBuf,
        /// What the file looks like (e.g. "TIFF", "HEIC", "unknown").
        found: String,
    },
    /// A HEIC/HEIF or AVIF photo, and this program has no decoder for it (built without
    /// libheif, or libheif lacks the HEVC/AV1 plugin).
    #[error("{}", self.message(Lang::En))]
    NoHeifDecoder {
        /// The source image.
        path: PathBuf,
        /// What is missing.
        detail: String,
    },
    /// The file claims to be an image but its data is damaged or cut short.
    #[error("{}", self.message(Lang::En))]
    Corrupt {
        /// The source image.
        path: PathBuf,
        /// The decoder's explanation.
        detail: String,
    },
    /// The image is too large to process safely (dimensions or memory).
    #[error("{}", self.message(Lang::En))]
    TooLarge {
        /// The source image.
        path: PathBuf,
        /// The decoder's explanation.
        detail: String,
    },
    /// Encoding a resized copy failed (should not happen with a valid image).
    #[error("{}", self.message(Lang::En))]
    Encode {
        /// The source image.
        path: PathBuf,
        /// The encoder's explanation.
        detail: String,
    },
    /// The image cache folder could not be written.
    #[error("{}", self.message(Lang::En))]
    Cache {
        /// The source image being processed.
        path: PathBuf,
        /// The cache file or folder that failed.
        cache_path: PathBuf,
        /// Why writing failed.
        #[source]
        source: std::io::Error,
    },
}

impl ImageError {
    /// The source image this error is about.
    pub fn path(&self) -> &Path {
        match self {
            ImageError::Read { path, .. }
            | ImageError::Unsupported { path, .. }
            | ImageError::NoHeifDecoder { path, .. }
            | ImageError::Corrupt { path, .. }
            | ImageError::TooLarge { path, .. }
            | ImageError::Encode { path, .. }
            | ImageError::Cache { path, .. } => path,
        }
    }

    /// The full message in the user's language: what is wrong and what to do about it.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            ImageError::Read { path, source } => read_message(lang, path, source),
            ImageError::NoHeifDecoder { path, detail } => {
                no_heif_decoder_message(lang, path, detail)
            }
            ImageError::Unsupported { path, found } if found.starts_with("HEIC") => {
                heic_message(lang, path)
            }
            ImageError::Unsupported { path, found } => unsupported_message(lang, path, found),
            ImageError::Corrupt { path, detail } => corrupt_message(lang, path, detail),
            ImageError::TooLarge { path, detail } => too_large_message(lang, path, detail),
            ImageError::Encode { path, detail } => encode_message(lang, path, detail),
            ImageError::Cache {
                path,
                cache_path,
                source,
            } => cache_message(lang, path, cache_path, source),
        }
    }

    /// Classifies an `image` crate error about `path`.
    pub(crate) fn from_image(path: &Path, err: image::ImageError) -> ImageError {
        use image::error::ImageError as E;
        let path = path.to_path_buf();
        match err {
            E::Unsupported(u) => ImageError::Unsupported {
                path,
                found: match u.format_hint() {
                    image::error::ImageFormatHint::Exact(f) => format!("{f:?}"),
                    image::error::ImageFormatHint::Name(n) => n,
                    image::error::ImageFormatHint::PathExtension(e) => {
                        e.to_string_lossy().into_owned()
                    }
                    _ => u.to_string(),
                },
            },
            E::Limits(l) => ImageError::TooLarge {
                path,
                detail: l.to_string(),
            },
            E::IoError(source) if source.kind() == std::io::ErrorKind::UnexpectedEof => {
                ImageError::Corrupt {
                    path,
                    detail: "file ends too early".to_string(),
                }
            }
            E::IoError(source) => ImageError::Read { path, source },
            E::Encoding(e) => ImageError::Encode {
                path,
                detail: e.to_string(),
            },
            other => ImageError::Corrupt {
                path,
                detail: other.to_string(),
            },
        }
    }
}

/// The message of [`ImageError::Read`]: not found, or not readable.
fn read_message(lang: Lang, path: &Path, source: &std::io::Error) -> String {
    let p = path.display();
    if source.kind() == std::io::ErrorKind::NotFound {
        tr!(
            lang,
            "Không tìm thấy ảnh {p}. Hãy kiểm tra tên tệp (chữ hoa/thường, dấu) và đường dẫn trong bài viết.",
            "Image {p} not found. Check the file name (case, accents) and the path used in the page."
        )
    } else {
        tr!(
            lang,
            "Không đọc được ảnh {p}: {source}. Hãy kiểm tra tệp có tồn tại và có quyền đọc.",
            "Cannot read image {p}: {source}. Check that the file exists and is readable."
        )
    }
}

/// The message of [`ImageError::NoHeifDecoder`]: install libheif, or export as JPEG.
fn no_heif_decoder_message(lang: Lang, path: &Path, detail: &str) -> String {
    let p = path.display();
    tr!(
        lang,
        "Ảnh {p} ở định dạng HEIC/AVIF (iPhone) mà bản bangtin này không đọc được ({detail}; trên Debian/Ubuntu: cài libheif1 và libde265-0). Hoặc hãy xuất ảnh thành JPEG (máy Mac: mở bằng Xem trước > Xuất; Windows: mở bằng Ảnh > Lưu thành .jpg), rồi sửa tên trong bài. Để iPhone chụp sẵn JPEG: Cài đặt > Camera > Định dạng > Tương thích nhất.",
        "Image {p} is a HEIC/AVIF (iPhone) photo this bangtin cannot read ({detail}; on Debian/Ubuntu: install libheif1 and libde265-0). Or export it as JPEG (Mac: open in Preview > Export; Windows: open in Photos > Save as .jpg) and fix the name in the page. To make the iPhone take JPEGs: Settings > Camera > Formats > Most Compatible."
    )
}

/// The message of [`ImageError::Unsupported`] for a HEIC photo: export it as JPEG.
fn heic_message(lang: Lang, path: &Path) -> String {
    let p = path.display();
    tr!(
        lang,
        "Ảnh {p} ở định dạng HEIC của iPhone, trình duyệt không hiển thị được. Hãy xuất ảnh thành JPEG (trên máy Mac: mở bằng Xem trước > Xuất; trên Windows: mở bằng Ảnh > Lưu thành .jpg). Để iPhone chụp sẵn JPEG: Cài đặt > Camera > Định dạng > Tương thích nhất.",
        "Image {p} is in the iPhone's HEIC format, which browsers cannot show. Export it as JPEG (Mac: open in Preview > Export; Windows: open in Photos > Save as .jpg). To make the iPhone take JPEGs: Settings > Camera > Formats > Most Compatible."
    )
}

/// The message of [`ImageError::Unsupported`] for any other format: save it as JPEG or PNG.
fn unsupported_message(lang: Lang, path: &Path, found: &str) -> String {
    let p = path.display();
    tr!(
        lang,
        "Ảnh {p} có định dạng không hỗ trợ ({found}). Hãy lưu lại ảnh dưới dạng JPEG hoặc PNG (ví dụ: mở bằng ứng dụng Ảnh rồi xuất/lưu thành .jpg).",
        "Image {p} is in an unsupported format ({found}). Save it again as JPEG or PNG (e.g. open it in a photo app and export as .jpg)."
    )
}

/// The message of [`ImageError::Corrupt`]: copy the original again.
fn corrupt_message(lang: Lang, path: &Path, detail: &str) -> String {
    let p = path.display();
    tr!(
        lang,
        "Ảnh {p} bị hỏng hoặc chưa tải xong ({detail}). Hãy chép lại ảnh gốc từ điện thoại/máy ảnh, hoặc mở và lưu lại bằng một ứng dụng xem ảnh.",
        "Image {p} is damaged or incomplete ({detail}). Copy the original again from the phone/camera, or open and re-save it in a photo app."
    )
}

/// The message of [`ImageError::TooLarge`]: make it smaller.
fn too_large_message(lang: Lang, path: &Path, detail: &str) -> String {
    let p = path.display();
    tr!(
        lang,
        "Ảnh {p} quá lớn để xử lý ({detail}). Hãy thu nhỏ ảnh (ví dụ dưới 50 megapixel) rồi thử lại.",
        "Image {p} is too large to process ({detail}). Make it smaller (e.g. under 50 megapixels) and try again."
    )
}

/// The message of [`ImageError::Encode`]: re-save the image as JPEG.
fn encode_message(lang: Lang, path: &Path, detail: &str) -> String {
    let p = path.display();
    tr!(
        lang,
        "Không tạo được bản thu nhỏ của ảnh {p} ({detail}). Hãy mở và lưu lại ảnh dưới dạng JPEG rồi thử lại.",
        "Could not create the resized copies of image {p} ({detail}). Open and re-save the image as JPEG, then try again."
    )
}

/// The message of [`ImageError::Cache`]: disk space, permissions, or delete the cache.
fn cache_message(lang: Lang, path: &Path, cache_path: &Path, source: &std::io::Error) -> String {
    let p = path.display();
    let c = cache_path.display();
    tr!(
        lang,
        "Không ghi được bộ nhớ đệm ảnh {c} khi xử lý {p}: {source}. Hãy kiểm tra ổ đĩa còn chỗ trống và thư mục có quyền ghi; có thể xóa thư mục đệm để làm lại từ đầu.",
        "Cannot write the image cache {c} while processing {p}: {source}. Check free disk space and write permission; the cache folder may be deleted to start afresh."
    )
}
