"""reportgen: periodic CCHC reports from department submissions and dossier logs.

Stages, data flowing one way:
    intake (read + validate files) -> aggregate (figures) -> compose (document model)
    -> render (.docx, PDF) -> publish (atomic writes, archive)
"""

__version__ = "0.1.0"
