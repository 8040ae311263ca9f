"""Fine-tuning BERT-family classifiers on movie reviews: data, training, evaluation, reports."""
