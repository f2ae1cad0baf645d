"""Serializers: plain input serializers that feed the services, output serializers that read models.

No serializer saves anything: views pass the validated data to one domain service.
"""
