"""Operations: stock, projects and their figures, supplier purchases."""
