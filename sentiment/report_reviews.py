"""The lab report's four misread reviews: never trained on, so what the app shows on them is what a model
does with text it has not seen. Every training part leaves them out (``sentiment.data``, ``sentiment.cad``)."""

REPORT_REVIEW_IDS = ("train/pos/12398_8", "test/neg/8977_4", "train/neg/3907_3", "test/pos/1235_8")
