# Generated from MLSQL.g4 by ANTLR 4.13.2
from antlr4 import *
if "." in __name__:
    from .MLSQLParser import MLSQLParser
else:
    from MLSQLParser import MLSQLParser

# This class defines a complete generic visitor for a parse tree produced by MLSQLParser.

class MLSQLVisitor(ParseTreeVisitor):

    # Visit a parse tree produced by MLSQLParser#script.
    def visitScript(self, ctx:MLSQLParser.ScriptContext):
        return self.visitChildren(ctx)


    # Visit a parse tree produced by MLSQLParser#statement.
    def visitStatement(self, ctx:MLSQLParser.StatementContext):
        return self.visitChildren(ctx)


    # Visit a parse tree produced by MLSQLParser#loadStatement.
    def visitLoadStatement(self, ctx:MLSQLParser.LoadStatementContext):
        return self.visitChildren(ctx)


    # Visit a parse tree produced by MLSQLParser#saveStatement.
    def visitSaveStatement(self, ctx:MLSQLParser.SaveStatementContext):
        return self.visitChildren(ctx)


    # Visit a parse tree produced by MLSQLParser#saveMode.
    def visitSaveMode(self, ctx:MLSQLParser.SaveModeContext):
        return self.visitChildren(ctx)


    # Visit a parse tree produced by MLSQLParser#partitionClause.
    def visitPartitionClause(self, ctx:MLSQLParser.PartitionClauseContext):
        return self.visitChildren(ctx)


    # Visit a parse tree produced by MLSQLParser#selectStatement.
    def visitSelectStatement(self, ctx:MLSQLParser.SelectStatementContext):
        return self.visitChildren(ctx)


    # Visit a parse tree produced by MLSQLParser#sqlStatement.
    def visitSqlStatement(self, ctx:MLSQLParser.SqlStatementContext):
        return self.visitChildren(ctx)


    # Visit a parse tree produced by MLSQLParser#setStatement.
    def visitSetStatement(self, ctx:MLSQLParser.SetStatementContext):
        return self.visitChildren(ctx)


    # Visit a parse tree produced by MLSQLParser#setKey.
    def visitSetKey(self, ctx:MLSQLParser.SetKeyContext):
        return self.visitChildren(ctx)


    # Visit a parse tree produced by MLSQLParser#setValue.
    def visitSetValue(self, ctx:MLSQLParser.SetValueContext):
        return self.visitChildren(ctx)


    # Visit a parse tree produced by MLSQLParser#connectStatement.
    def visitConnectStatement(self, ctx:MLSQLParser.ConnectStatementContext):
        return self.visitChildren(ctx)


    # Visit a parse tree produced by MLSQLParser#connectName.
    def visitConnectName(self, ctx:MLSQLParser.ConnectNameContext):
        return self.visitChildren(ctx)


    # Visit a parse tree produced by MLSQLParser#modelStatement.
    def visitModelStatement(self, ctx:MLSQLParser.ModelStatementContext):
        return self.visitChildren(ctx)


    # Visit a parse tree produced by MLSQLParser#outputTable.
    def visitOutputTable(self, ctx:MLSQLParser.OutputTableContext):
        return self.visitChildren(ctx)


    # Visit a parse tree produced by MLSQLParser#registerStatement.
    def visitRegisterStatement(self, ctx:MLSQLParser.RegisterStatementContext):
        return self.visitChildren(ctx)


    # Visit a parse tree produced by MLSQLParser#unregisterStatement.
    def visitUnregisterStatement(self, ctx:MLSQLParser.UnregisterStatementContext):
        return self.visitChildren(ctx)


    # Visit a parse tree produced by MLSQLParser#includeStatement.
    def visitIncludeStatement(self, ctx:MLSQLParser.IncludeStatementContext):
        return self.visitChildren(ctx)


    # Visit a parse tree produced by MLSQLParser#commandStatement.
    def visitCommandStatement(self, ctx:MLSQLParser.CommandStatementContext):
        return self.visitChildren(ctx)


    # Visit a parse tree produced by MLSQLParser#optionsClause.
    def visitOptionsClause(self, ctx:MLSQLParser.OptionsClauseContext):
        return self.visitChildren(ctx)


    # Visit a parse tree produced by MLSQLParser#option.
    def visitOption(self, ctx:MLSQLParser.OptionContext):
        return self.visitChildren(ctx)


    # Visit a parse tree produced by MLSQLParser#optionKey.
    def visitOptionKey(self, ctx:MLSQLParser.OptionKeyContext):
        return self.visitChildren(ctx)


    # Visit a parse tree produced by MLSQLParser#optionValue.
    def visitOptionValue(self, ctx:MLSQLParser.OptionValueContext):
        return self.visitChildren(ctx)


    # Visit a parse tree produced by MLSQLParser#path.
    def visitPath(self, ctx:MLSQLParser.PathContext):
        return self.visitChildren(ctx)


    # Visit a parse tree produced by MLSQLParser#format.
    def visitFormat(self, ctx:MLSQLParser.FormatContext):
        return self.visitChildren(ctx)


    # Visit a parse tree produced by MLSQLParser#algorithm.
    def visitAlgorithm(self, ctx:MLSQLParser.AlgorithmContext):
        return self.visitChildren(ctx)


    # Visit a parse tree produced by MLSQLParser#tableName.
    def visitTableName(self, ctx:MLSQLParser.TableNameContext):
        return self.visitChildren(ctx)


    # Visit a parse tree produced by MLSQLParser#functionName.
    def visitFunctionName(self, ctx:MLSQLParser.FunctionNameContext):
        return self.visitChildren(ctx)


    # Visit a parse tree produced by MLSQLParser#column.
    def visitColumn(self, ctx:MLSQLParser.ColumnContext):
        return self.visitChildren(ctx)


    # Visit a parse tree produced by MLSQLParser#qualifiedName.
    def visitQualifiedName(self, ctx:MLSQLParser.QualifiedNameContext):
        return self.visitChildren(ctx)


    # Visit a parse tree produced by MLSQLParser#identifier.
    def visitIdentifier(self, ctx:MLSQLParser.IdentifierContext):
        return self.visitChildren(ctx)


    # Visit a parse tree produced by MLSQLParser#bareName.
    def visitBareName(self, ctx:MLSQLParser.BareNameContext):
        return self.visitChildren(ctx)


    # Visit a parse tree produced by MLSQLParser#nonReserved.
    def visitNonReserved(self, ctx:MLSQLParser.NonReservedContext):
        return self.visitChildren(ctx)



del MLSQLParser