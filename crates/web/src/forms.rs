//! Problems of a submitted form, each tied to the field it is about, for the error summary at
//! the top of the form and the message beside each field.

/// One problem of a form: the `id` of the field it is about, and a French sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The `id` of the input the message is about (the summary links to it).
    pub field: &'static str,
    /// What is wrong and what is accepted.
    pub message: String,
}

/// Every problem of a submitted form (empty when it was accepted).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormErrors {
    /// The problems, in the order of the form's fields.
    pub items: Vec<FieldError>,
}

impl FormErrors {
    /// Adds a problem about field `field`.
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        self.items.push(FieldError { field, message: message.into() });
    }

    /// Whether the form had no problem.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The first problem about `field`, if any.
    pub fn for_field(&self, field: &str) -> Option<&str> {
        self.items.iter().find(|error| error.field == field).map(|error| error.message.as_str())
    }

    /// The `aria-describedby` value of a field: its help text (when it has one) and its error.
    pub fn described_by(&self, field: &str, help: Option<&str>) -> String {
        let mut ids: Vec<String> = help.map(str::to_owned).into_iter().collect();
        if self.for_field(field).is_some() {
            ids.push(format!("{field}-erreur"));
        }
        ids.join(" ")
    }
}

/// Extractor of a URL-encoded form whose refusal is a French 400 page (axum's own `Form`
/// answers in English).
#[derive(Debug, Clone, Copy, Default)]
pub struct Form<T>(pub T);

impl<T, S> axum::extract::FromRequest<S> for Form<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = crate::AppError;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Form::<T>::from_request(request, state).await {
            Ok(axum::Form(value)) => Ok(Form(value)),
            Err(_) => Err(crate::AppError::BadRequest(
                "Le formulaire envoyé n'a pas pu être lu : envoyez-le depuis sa page du site \
                 (encodage application/x-www-form-urlencoded, champs en UTF-8)."
                    .to_owned(),
            )),
        }
    }
}
