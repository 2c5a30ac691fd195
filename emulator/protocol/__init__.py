"""Wire formats: AWS JSON 1.0/1.1 and the SQS query protocol (form in, XML out).

This package imports nothing from the rest of ``emulator``: it turns bytes into one typed request
(a dict shaped like botocore's input shape) and a result dict back into bytes. Shapes come from
botocore's service models, the same files the SDKs are generated from.
"""
